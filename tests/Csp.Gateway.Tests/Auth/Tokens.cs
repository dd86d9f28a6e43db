using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Csp.Gateway.Tests.Auth;

/// <summary>Hand-made JWTs, for the algorithms the platform's own issuer never uses (<c>none</c>, HS384, HS512).</summary>
public static class Tokens
{
    public static string DevTokenSignedWith(string algorithm, string key, string issuer, params (string Type, string Value)[] claims)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new Dictionary<string, object> { ["alg"] = algorithm, ["typ"] = "JWT" };
        if (algorithm != "none") header["kid"] = "csp-dev";
        var payload = new Dictionary<string, object>
        {
            ["sub"] = "mallory", ["iss"] = issuer, ["aud"] = TestAuth.Audience, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600,
        };
        foreach (var group in claims.GroupBy(c => c.Type))
            payload[group.Key] = group.Count() == 1 ? group.Single().Value : group.Select(c => c.Value).ToArray();
        var signingInput = $"{Encode(JsonSerializer.SerializeToUtf8Bytes(header))}.{Encode(JsonSerializer.SerializeToUtf8Bytes(payload))}";
        var keyBytes = Encoding.UTF8.GetBytes(key);
        byte[] signature = algorithm switch
        {
            "none" => [],
            "HS256" => HMACSHA256.HashData(keyBytes, Encoding.ASCII.GetBytes(signingInput)),
            "HS384" => HMACSHA384.HashData(keyBytes, Encoding.ASCII.GetBytes(signingInput)),
            "HS512" => HMACSHA512.HashData(keyBytes, Encoding.ASCII.GetBytes(signingInput)),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
        return $"{signingInput}.{Encode(signature)}";
    }

    private static string Encode(byte[] bytes) => Base64UrlEncoder.Encode(bytes);
}
