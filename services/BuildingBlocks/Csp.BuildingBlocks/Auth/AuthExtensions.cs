using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Csp.BuildingBlocks.Auth;

// INTERIM: replaced by the gateway branch's version at merge.
public static class AuthExtensions
{
    public static IHostApplicationBuilder AddCspAuthentication(this IHostApplicationBuilder builder)
    {
        var key = builder.Configuration["Auth:DevIssuer:SigningKey"] ?? "";
        var enabled = builder.Configuration.GetValue<bool>("Auth:DevIssuer:Enabled");
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = builder.Configuration["Auth:DevIssuer:Issuer"] ?? "csp-dev",
                ValidAudience = builder.Configuration["Auth:Audience"] ?? "csp-platform",
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(enabled ? key : Guid.NewGuid().ToString("n") + Guid.NewGuid().ToString("n"))),
                NameClaimType = "name",
                RoleClaimType = "role",
            };
        });
        builder.Services.AddAuthorization();
        return builder;
    }
}
