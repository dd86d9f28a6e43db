using System.Security.Claims;

namespace Csp.BuildingBlocks.Auth;

/// <summary>
/// A claims identity that cannot change: every way of adding or removing a claim throws. The validated-token cache keeps
/// one of these per token and gives the very same instance to every request with that token
/// (<see cref="ValidatedTokenCache.TryGetAuthenticated"/>), instead of copying every claim per request; being frozen is
/// what makes sharing it safe: code that tried to change one request's identity (a claims transformation, say) fails
/// loudly instead of changing every other request's. <see cref="Clone"/> gives an ordinary, changeable copy.
/// </summary>
public sealed class FrozenClaimsIdentity : ClaimsIdentity
{
    /// <summary>A frozen copy of <paramref name="identity"/>: its claims, authentication type, name and role claim types,
    /// label and bootstrap context, and its actor.</summary>
    public FrozenClaimsIdentity(ClaimsIdentity identity) : base(identity)
    {
        _frozen = true;
    }

    private readonly bool _frozen;

    public override void AddClaim(Claim claim)
    {
        // The base constructor adds the copied claims through AddClaim(s): allowed until the constructor has finished.
        if (_frozen) throw Refused();
        base.AddClaim(claim);
    }

    public override void AddClaims(IEnumerable<Claim?> claims)
    {
        if (_frozen) throw Refused();
        base.AddClaims(claims);
    }

    public override void RemoveClaim(Claim? claim) => throw Refused();

    public override bool TryRemoveClaim(Claim? claim) => throw Refused();

    public override ClaimsIdentity Clone() => new ClaimsIdentity(this);

    private static InvalidOperationException Refused() =>
        new("This identity is shared by every request with the same token (FrozenClaimsIdentity): copy it with Clone() to change it.");
}
