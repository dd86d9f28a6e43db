using Csp.BuildingBlocks.Auth;

namespace Csp.Gateway.Tests.Support;

/// <summary>The people the gateway tests sign in as (tokens from <see cref="TestAuth"/>).</summary>
public static class DemoCallers
{
    public static readonly DemoUser Manager = new("sam.patel", "Sam Patel", ["medway:manager"], "medway-council", "Medway CSP manager");
    public static readonly DemoUser PolicePartner = new("daniel.okafor", "Tom Reed", ["medway:partner", "swale:partner"], "kent-police", "Kent Police inspector");
    public static readonly DemoUser Admin = new("alex.morgan", "Alex Morgan", ["*:admin"], null, "Platform administrator");
    public static readonly DemoUser PccFinance = new("sam.okafor", "Sam Okafor", ["*:finance", "*:board"], "kent-pcc", "PCC finance");
}
