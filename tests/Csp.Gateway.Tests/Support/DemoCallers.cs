using Csp.BuildingBlocks.Auth;

namespace Csp.Gateway.Tests.Support;

/// <summary>The people the gateway tests sign in as (tokens from <see cref="TestAuth"/>).</summary>
public static class DemoCallers
{
    public static readonly DemoUser Manager = new("sam.patel", "Sam Patel", [Roles.Manager], "medway-council", ["medway"], "Medway CSP manager");
    public static readonly DemoUser PolicePartner = new("daniel.okafor", "Tom Reed", [Roles.Partner], "kent-police", ["medway", "swale"], "Kent Police inspector");
    public static readonly DemoUser PccFinance = new("sam.okafor", "Sam Okafor", [Roles.Finance, Roles.Board], "kent-pcc", ["*"], "PCC finance");
}
