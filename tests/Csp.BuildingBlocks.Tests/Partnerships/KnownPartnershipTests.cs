using Csp.BuildingBlocks.Partnerships;

namespace Csp.BuildingBlocks.Tests.Partnerships;

public sealed class KnownPartnershipTests
{
    private static KnownPartnership Medway(long version) => new("medway", "Medway CSP", [new KnownAgency("kent-police", "Kent Police")], version);

    [Theory]
    [InlineData(null, 1, ChangeVerdict.Newer)]
    [InlineData(null, 100, ChangeVerdict.Newer)]
    [InlineData(null, 101, ChangeVerdict.ImplausibleJump)]
    [InlineData(3L, 4, ChangeVerdict.Newer)]
    [InlineData(3L, 103, ChangeVerdict.Newer)]
    [InlineData(3L, 104, ChangeVerdict.ImplausibleJump)]
    [InlineData(3L, long.MaxValue, ChangeVerdict.ImplausibleJump)]
    [InlineData(3L, 3, ChangeVerdict.NotNewer)]
    [InlineData(3L, 2, ChangeVerdict.NotNewer)]
    [InlineData(null, 0, ChangeVerdict.ImplausibleJump)]
    [InlineData(null, -5, ChangeVerdict.ImplausibleJump)]
    public void An_event_is_kept_only_if_newer_and_not_implausibly_far_ahead(long? known, long incoming, ChangeVerdict verdict) =>
        Assert.Equal(verdict, KnownPartnership.Judge(known is null ? null : Medway(known.Value), Medway(incoming), maxVersionJump: 100));

    [Fact]
    public void The_owners_list_is_judged_only_on_being_newer() =>
        Assert.Equal(ChangeVerdict.Newer, KnownPartnership.Judge(Medway(3), Medway(5_000), long.MaxValue));
}
