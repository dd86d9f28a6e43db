using System.Security.Claims;
using Csp.BuildingBlocks.Auth;

namespace Csp.BuildingBlocks.Tests.Auth;

/// <summary>Roles are held per partnership: a role in one partnership says nothing about another.</summary>
public sealed class CallerTests
{
    private static Caller FromClaims(params string[] roles) =>
        Caller.From(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "u"), .. roles.Select(r => new Claim(CspClaims.PartnershipRole, r))], "test")));

    [Fact]
    public void A_manager_of_medway_who_is_on_the_board_of_swale_manages_only_medway()
    {
        var priya = FromClaims("medway:manager", "swale:board");

        Assert.True(priya.Has(Roles.Manager, "medway"));
        Assert.False(priya.Has(Roles.Manager, "swale"));
        Assert.True(priya.Has(Roles.Board, "swale"));
        Assert.False(priya.Has(Roles.Board, "medway"));
        Assert.True(priya.BelongsTo("medway"));
        Assert.True(priya.BelongsTo("swale"));
        Assert.False(priya.BelongsTo("dartford"));
        Assert.False(priya.IsAdmin);
        Assert.Equal(["medway", "swale"], priya.Partnerships.Order());
    }

    [Fact]
    public void A_role_held_everywhere_holds_in_every_partnership_but_is_still_only_that_role()
    {
        var finance = FromClaims("*:finance");

        Assert.True(finance.Has(Roles.Finance, "medway"));
        Assert.True(finance.Has(Roles.Finance, "swale"));
        Assert.False(finance.Has(Roles.Manager, "medway"));
        Assert.True(finance.BelongsTo("dartford"));
    }

    [Fact]
    public void Admin_is_platform_wide_only()
    {
        Assert.True(FromClaims("*:admin").IsAdmin);
        Assert.True(FromClaims("*:admin").Has(Roles.Manager, "swale"));
        var notAdmin = FromClaims("medway:admin");
        Assert.False(notAdmin.IsAdmin);
        Assert.False(notAdmin.BelongsTo("medway"));
    }

    [Theory]
    [InlineData("manager")]            // a flat role, as tokens carried before: grants nothing now
    [InlineData("medway:owner")]       // not a role
    [InlineData("Medway:manager")]     // not a partnership id
    [InlineData("medway\n:manager")]
    [InlineData(":manager")]
    [InlineData("medway:")]
    public void A_value_that_is_not_a_partnership_role_grants_nothing(string value)
    {
        var caller = FromClaims(value);

        Assert.Empty(caller.Grants);
        Assert.False(caller.BelongsTo("medway"));
        Assert.False(caller.Has(Roles.Manager, "medway"));
    }

    [Fact]
    public void The_old_flat_role_and_partnership_claims_grant_nothing()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "u"), new Claim("role", "manager"), new Claim("partnership", "medway")], "test"));

        Assert.False(Caller.From(principal).Has(Roles.Manager, "medway"));
    }
}
