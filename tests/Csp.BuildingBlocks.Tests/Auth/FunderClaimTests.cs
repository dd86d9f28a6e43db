using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Csp.BuildingBlocks.Auth;
using Csp.TestSupport;

namespace Csp.BuildingBlocks.Tests.Auth;

/// <summary>The <c>csp_funder</c> claim: the funders a finance officer acts for. Read by <see cref="Caller.From"/>, minted by
/// the development issuer from a demo user's <c>funders</c>; a value that is not a slug grants nothing.</summary>
public sealed class FunderClaimTests
{
    [Fact]
    public void A_caller_acts_for_the_funders_its_token_names_and_no_others()
    {
        var caller = Caller.From(new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("sub", "tom"), new Claim(CspClaims.PartnershipRole, "*:finance"),
            new Claim(CspClaims.Funder, "kent-pcc"), new Claim(CspClaims.Funder, "Not A Slug"), new Claim(CspClaims.Funder, ""),
        ], "test")));
        Assert.True(caller.ActsFor("kent-pcc"));
        Assert.False(caller.ActsFor("home-office"));
        Assert.Equal(["kent-pcc"], caller.Funders);
        Assert.Empty(Caller.With("sam", "Sam", null, "medway:manager").Funders);
    }

    [Fact]
    public void The_development_issuer_mints_one_claim_per_funder_of_a_demo_user()
    {
        var token = TestAuth.IssuerWith().IssueFor(new DemoUser("tom.fletcher", "Tom Fletcher", ["*:finance"], "kent-pcc-office", Funders: ["kent-pcc", "home-office"]));
        var funders = new JwtSecurityTokenHandler().ReadJwtToken(token).Claims.Where(c => c.Type == CspClaims.Funder).Select(c => c.Value);
        Assert.Equal(["kent-pcc", "home-office"], funders);
    }

    [Fact]
    public void The_demo_users_file_gives_the_pcc_finance_officer_the_kent_pcc_funder_and_refuses_a_funder_that_is_not_a_slug()
    {
        var tom = DemoUsers.Load(RepoPaths.Demo("users.json")).Single(u => u.Id == "tom.fletcher");
        Assert.Equal(["kent-pcc"], tom.Funders);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "users": [ { "id": "x", "name": "X", "roles": ["*:finance"], "funders": ["Kent PCC"] } ] }""");
            Assert.Contains("funders", Assert.Throws<InvalidDataException>(() => DemoUsers.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
