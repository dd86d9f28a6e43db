using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.Auth;

/// <summary>Who may issue the tokens this process accepts, how their claims are read, which services may call this
/// one over gRPC, and how this service gets its own service token (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The OIDC issuer URL (cluster mode); its discovery document supplies the signing keys and issuer.</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = "csp-platform";

    /// <summary>Only an in-cluster authority reached over plain HTTP needs this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public DevIssuerOptions DevIssuer { get; set; } = new();

    public ClaimOptions Claims { get; set; } = new();

    /// <summary>The services allowed to call this service's gRPC API (their <c>csp_service</c> names, e.g. <c>risk</c>).
    /// Empty: no service may.</summary>
    public List<string> AllowedServiceCallers { get; set; } = [];

    /// <summary>How this service obtains its own service token for gRPC calls it makes.</summary>
    public ServiceTokenOptions ServiceToken { get; set; } = new();

    /// <summary>Tokens that validated are remembered until their exp, at most <see cref="TokenCacheOptions.MaxAge"/>.</summary>
    public TokenCacheOptions TokenCache { get; set; } = new();

    public bool HasAuthority => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>
/// Where the platform's claims come from in the tokens (section <c>Auth:Claims</c>). The development issuer writes
/// <c>csp_role</c> values such as <c>medway:manager</c>; an OIDC provider may carry the same values in another claim,
/// e.g. groups named <c>csp:medway:manager</c>: set <see cref="PartnershipRole"/> to <c>groups</c> and
/// <see cref="PartnershipRolePrefix"/> to <c>csp:</c>. Values without the prefix are ignored.
/// </summary>
public sealed class ClaimOptions
{
    /// <summary>The token claim holding partnership roles (one value per role, <c>{partnership}:{role}</c> after the prefix).</summary>
    public string PartnershipRole { get; set; } = CspClaims.PartnershipRole;

    /// <summary>A prefix every partnership-role value carries in that claim (e.g. <c>csp:</c> for groups); empty for none.</summary>
    public string PartnershipRolePrefix { get; set; } = "";

    /// <summary>The claim that names the calling service on a service token. The OIDC provider adds it to the service
    /// clients' client-credentials tokens only (e.g. a hard-coded claim mapper); <c>client_id</c> or <c>azp</c> also work
    /// where only service clients are allowed to call.</summary>
    public string Service { get; set; } = CspClaims.Service;

    /// <summary>The token claim naming the funders a finance officer acts for (one value per funder, e.g. <c>kent-pcc</c>);
    /// mapped onto <c>csp_funder</c> at sign-in when it is another claim.</summary>
    public string Funder { get; set; } = CspClaims.Funder;
}

/// <summary>The client-credentials grant a service uses for its own service token (section <c>Auth:ServiceToken</c>).
/// Without a token endpoint, and with the development issuer on, the service signs its own development service token.</summary>
public sealed class ServiceTokenOptions
{
    /// <summary>The OIDC provider's token endpoint, e.g. <c>https://login.example/realms/kent/protocol/openid-connect/token</c>.</summary>
    public Uri? TokenEndpoint { get; set; }

    public string? ClientId { get; set; }

    /// <summary>From a secret (environment variable <c>Auth__ServiceToken__ClientSecret</c>), never in the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Optional scope to request (some providers need one to put the platform's audience on the token).</summary>
    public string? Scope { get; set; }

    /// <summary>A cached token is replaced this long before it expires (or at half its lifetime, if that is sooner).</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromSeconds(60);

    public bool UsesClientCredentials => TokenEndpoint is not null;
}

/// <summary>The local development issuer: off unless configuration turns it on, and never on in the Helm chart.</summary>
public sealed class DevIssuerOptions
{
    public const int MinimumKeyBytes = 32;

    public bool Enabled { get; set; }

    /// <summary>
    /// The development issuer refuses to start in the Production environment or beside an OIDC authority; this second,
    /// explicit switch allows it (a local experiment against a real provider). Never set in the Helm chart.
    /// </summary>
    public bool AllowInProductionOrWithAuthority { get; set; }

    public string Issuer { get; set; } = "csp-dev";

    /// <summary>Base64 or plain text, at least 32 bytes. No default: the local run configuration supplies one.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>JSON file of demo users (<c>{ "users": [...] }</c>), relative to the content root; read by the gateway's
    /// /dev endpoints. Not shipped with the gateway: a local run points it at demo/users.json in the repository.</summary>
    public string? UsersFile { get; set; }

    /// <summary>The key bytes: base64 when the value decodes as base64, otherwise the UTF-8 bytes of the text.</summary>
    public byte[] SigningKeyBytes()
    {
        if (string.IsNullOrEmpty(SigningKey)) return [];
        var buffer = new byte[SigningKey.Length];
        return Convert.TryFromBase64String(SigningKey, buffer, out var written) && written >= MinimumKeyBytes
            ? buffer[..written]
            : Encoding.UTF8.GetBytes(SigningKey);
    }
}

internal sealed class AuthOptionsValidator(IHostEnvironment environment, ILoggerFactory logs) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Audience))
            failures.Add("Auth:Audience must be set.");
        if (options.HasAuthority && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
            failures.Add("Auth:Authority must be an absolute URL.");
        if (string.IsNullOrWhiteSpace(options.Claims.PartnershipRole) || string.IsNullOrWhiteSpace(options.Claims.Service))
            failures.Add("Auth:Claims:PartnershipRole and Auth:Claims:Service must name claims.");
        var token = options.ServiceToken;
        if (token.UsesClientCredentials && (string.IsNullOrWhiteSpace(token.ClientId) || string.IsNullOrWhiteSpace(token.ClientSecret)))
            failures.Add("Auth:ServiceToken:ClientId and Auth:ServiceToken:ClientSecret must be set with Auth:ServiceToken:TokenEndpoint.");
        if (options.TokenCache.MaxEntries < 1 || options.TokenCache.MaxAge <= TimeSpan.Zero)
            failures.Add("Auth:TokenCache:MaxEntries and Auth:TokenCache:MaxAge must be positive.");
        if (token.RefreshBeforeExpiry < TimeSpan.Zero)
            failures.Add("Auth:ServiceToken:RefreshBeforeExpiry must not be negative.");

        var dev = options.DevIssuer;
        if (dev.Enabled)
        {
            if (string.IsNullOrWhiteSpace(dev.SigningKey))
                failures.Add("Auth:DevIssuer:SigningKey must be set when the development issuer is enabled.");
            else if (dev.SigningKeyBytes().Length < DevIssuerOptions.MinimumKeyBytes)
                failures.Add($"Auth:DevIssuer:SigningKey must be at least {DevIssuerOptions.MinimumKeyBytes} bytes.");
            if (string.IsNullOrWhiteSpace(dev.Issuer))
                failures.Add("Auth:DevIssuer:Issuer must be set when the development issuer is enabled.");
            if (dev.TokenLifetime <= TimeSpan.Zero)
                failures.Add("Auth:DevIssuer:TokenLifetime must be positive.");
            if (!dev.AllowInProductionOrWithAuthority && (environment.IsProduction() || options.HasAuthority))
            {
                var why = environment.IsProduction() ? $"the environment is {environment.EnvironmentName}" : $"an OIDC authority is configured (Auth:Authority = {options.Authority})";
                var failure = $"The development token issuer (Auth:DevIssuer:Enabled) is refused because {why}: anyone holding its key could sign tokens as anyone. " +
                    "Turn it off, or set Auth:DevIssuer:AllowInProductionOrWithAuthority=true for a deliberate local experiment.";
                logs.CreateLogger("Csp.BuildingBlocks.Auth").LogCritical("Refusing to start: {Reason}", failure);
                failures.Add(failure);
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
