using System.Text;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.Auth;

/// <summary>Who may issue the tokens this process accepts (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The OIDC issuer URL (cluster mode); its discovery document supplies the signing keys and issuer.</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = "csp-platform";

    /// <summary>Only an in-cluster authority reached over plain HTTP needs this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public DevIssuerOptions DevIssuer { get; set; } = new();
}

/// <summary>The local development issuer: off unless configuration turns it on, and never on in the Helm chart.</summary>
public sealed class DevIssuerOptions
{
    public const int MinimumKeyBytes = 32;

    public bool Enabled { get; set; }

    public string Issuer { get; set; } = "csp-dev";

    /// <summary>Base64 or plain text, at least 32 bytes. No default: the local run configuration supplies one.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>JSON file of demo users (<c>{ "users": [...] }</c>), relative to the content root; read by the gateway's /dev endpoints.</summary>
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

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Audience))
            failures.Add("Auth:Audience must be set.");
        if (!string.IsNullOrWhiteSpace(options.Authority) && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
            failures.Add("Auth:Authority must be an absolute URL.");

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
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
