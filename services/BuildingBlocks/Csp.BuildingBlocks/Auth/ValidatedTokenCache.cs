using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Csp.BuildingBlocks.Auth;

/// <summary>The validated-token cache (section <c>Auth:TokenCache</c>); see docs/security.md "Validated-token cache".</summary>
public sealed class TokenCacheOptions
{
    /// <summary>Off: every request's token is validated in full (signature, issuer, audience, lifetime).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>At most this many tokens are remembered; when full, a new token is validated but not remembered until
    /// entries expire.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>A token is remembered at most this long after it was validated (and never past its own <c>exp</c>): the
    /// longest a removed signing key or a changed validation rule can go unnoticed for a token already seen.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Tokens that validated in full, remembered so that the next request with the very same token skips the signature check
/// and the JSON parsing. Keyed by the SHA-256 of the whole token string (header, payload AND signature), so a token whose
/// signature differs in one character is a different key and is validated in full; failures are never remembered; an
/// entry is served only before the token's own <c>exp</c> (no clock skew) and before <see cref="TokenCacheOptions.MaxAge"/>
/// has passed since it was validated; the cache holds at most <see cref="TokenCacheOptions.MaxEntries"/> entries.
/// </summary>
public sealed class ValidatedTokenCache
{
    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();
    private readonly TokenCacheOptions _options;
    private long _hits;
    private long _nextSweep;

    public ValidatedTokenCache(IOptions<AuthOptions> options) : this(options.Value.TokenCache, TimeProvider.System) { }

    /// <param name="clock">The time entries expire by (the system clock, as the bearer handler's lifetime check uses).</param>
    public ValidatedTokenCache(TokenCacheOptions options, TimeProvider clock)
    {
        _options = options;
        Clock = clock;
    }

    public TimeProvider Clock { get; }

    public bool Enabled => _options.Enabled;

    /// <summary>Tokens remembered now (expired ones are dropped when read or when the cache is full).</summary>
    public int Count => _entries.Count;

    /// <summary>Requests answered from the cache since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>A fresh result for <paramref name="token"/> if it validated before under the same <paramref name="owner"/>
    /// (the handler instance, so a reconfigured bearer scheme starts afresh) and has not expired.</summary>
    public bool TryGet(string token, object owner, [NotNullWhen(true)] out TokenValidationResult? result)
    {
        result = null;
        if (!_options.Enabled) return false;
        var key = TokenHash.Of(token);
        if (!_entries.TryGetValue(key, out var entry)) return false;
        if (!ReferenceEquals(entry.Owner, owner) || Clock.GetUtcNow() >= entry.Expires)
        {
            _entries.TryRemove(new KeyValuePair<TokenHash, Entry>(key, entry));
            return false;
        }
        Interlocked.Increment(ref _hits);
        // Each request gets its own copy: the bearer handler's events add and remove claims on the identity it is given.
        result = new TokenValidationResult
        {
            IsValid = true,
            ClaimsIdentity = entry.Identity.Clone(),
            SecurityToken = entry.Token,
            Issuer = entry.Issuer,
            TokenType = entry.TokenType,
        };
        return true;
    }

    /// <summary>Remembers a token that has just validated in full. Call before anything changes the result's identity.</summary>
    public void Add(string token, object owner, TokenValidationResult validated)
    {
        if (!_options.Enabled || !validated.IsValid || validated.SecurityToken is not { } securityToken || validated.ClaimsIdentity is not { } identity)
            return;
        var now = Clock.GetUtcNow();
        var expiry = securityToken.ValidTo; // DateTime.MinValue when the token has no exp (the validator requires one anyway)
        if (expiry == DateTime.MinValue) return;
        var expires = new DateTimeOffset(DateTime.SpecifyKind(expiry, DateTimeKind.Utc));
        if (now + _options.MaxAge < expires) expires = now + _options.MaxAge;
        if (expires <= now) return;
        if (_entries.Count >= _options.MaxEntries && !Sweep(now)) return;
        _entries[TokenHash.Of(token)] = new Entry(owner, identity.Clone(), securityToken, validated.Issuer, validated.TokenType, expires);
    }

    /// <summary>Drops expired entries (at most once a second); true when there is room afterwards.</summary>
    private bool Sweep(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextSweep, now.UtcTicks + TimeSpan.TicksPerSecond, next) == next)
            foreach (var (key, entry) in _entries)
                if (now >= entry.Expires) _entries.TryRemove(new KeyValuePair<TokenHash, Entry>(key, entry));
        return _entries.Count < _options.MaxEntries;
    }

    private sealed record Entry(object Owner, ClaimsIdentity Identity, SecurityToken Token, string? Issuer, string? TokenType, DateTimeOffset Expires)
    {
        /// <summary>The identity as the bearer events left it (roles and funders mapped), once a request has got that far.</summary>
        public FrozenClaimsIdentity? Authenticated;
    }

    /// <summary>
    /// Remembers, beside a token that is in the cache, the identity the bearer handler's events made of it (the last step
    /// before the handler's ticket), so that the next request with the same token can skip the handler's per-request work
    /// as well (<see cref="CspJwtBearerHandler"/>). Nothing is remembered for a token that is not in the cache (it never
    /// validated, or the cache is full or off). The events are a function of the token's claims and the configuration, so
    /// their result for the same token is the same every time.
    /// </summary>
    public void AddAuthenticated(string token, object owner, ClaimsIdentity identity)
    {
        if (!_options.Enabled || !_entries.TryGetValue(TokenHash.Of(token), out var entry) || !ReferenceEquals(entry.Owner, owner)) return;
        entry.Authenticated ??= new FrozenClaimsIdentity(identity);
    }

    /// <summary>The identity <see cref="AddAuthenticated"/> remembered for <paramref name="token"/> (the characters
    /// after <c>Bearer </c>), under the same rules as <see cref="TryGet"/>: the whole token's hash, the same owner, before
    /// the token's exp and before MaxAge since it was validated in full.</summary>
    public bool TryGetAuthenticated(ReadOnlySpan<char> token, object owner, [NotNullWhen(true)] out ClaimsIdentity? identity)
    {
        identity = null;
        if (!_options.Enabled) return false;
        var key = TokenHash.Of(token);
        if (!_entries.TryGetValue(key, out var entry) || entry.Authenticated is not { } authenticated) return false;
        if (!ReferenceEquals(entry.Owner, owner) || Clock.GetUtcNow() >= entry.Expires)
        {
            _entries.TryRemove(new KeyValuePair<TokenHash, Entry>(key, entry));
            return false;
        }
        Interlocked.Increment(ref _hits);
        // Every request with this token shares the one frozen identity: nothing can change it (it throws), so no copy.
        identity = authenticated;
        return true;
    }

    /// <summary>SHA-256 of the whole token's characters, as four words: no string is allocated for the key.</summary>
    private readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenHash Of(string token) => Of(token.AsSpan());

        public static TokenHash Of(ReadOnlySpan<char> token)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(MemoryMarshal.AsBytes(token), hash);
            var words = MemoryMarshal.Cast<byte, ulong>(hash);
            return new TokenHash(words[0], words[1], words[2], words[3]);
        }
    }
}

/// <summary>The bearer handler's token handler behind the <see cref="ValidatedTokenCache"/>: a token seen before (the
/// same string) is answered from the cache; anything else is validated by <paramref name="inner"/>, and remembered only
/// if it validated.</summary>
public sealed class CachingTokenHandler(TokenHandler inner, ValidatedTokenCache cache) : TokenHandler
{
    private readonly object _owner = new();

    public TokenHandler Inner => inner;

    /// <summary>What this handler's cache entries belong to (a reconfigured bearer scheme has new handlers, and starts afresh).</summary>
    public object Owner => _owner;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (cache.TryGet(token, _owner, out var cached)) return cached;
        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid) cache.Add(token, _owner, result);
        return result;
    }

    public override Task<TokenValidationResult> ValidateTokenAsync(SecurityToken token, TokenValidationParameters validationParameters) =>
        inner.ValidateTokenAsync(token, validationParameters);

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }
}
