using Csp.BuildingBlocks.Http;

namespace Csp.BuildingBlocks.Tests.Http;

/// <summary>If-Match as RFC 9110 13.1.1 defines it.</summary>
public sealed class IfMatchTests
{
    [Theory]
    [InlineData("*", 3L, true)]
    [InlineData("\"3\"", 3L, true)]
    [InlineData("\"3\"", 4L, false)]
    [InlineData("\"1\", \"3\"", 3L, true)]
    [InlineData("\"1\",\"2\"", 3L, false)]
    [InlineData("W/\"3\"", 3L, false)]
    [InlineData("W/\"3\", \"3\"", 3L, true)]
    [InlineData("3", 3L, false)]
    [InlineData("\"abc\"", 3L, false)]
    [InlineData("\"-3\"", 3L, false)]
    public void A_precondition_matches_the_current_version_as_RFC_9110_says(string header, long current, bool matches) =>
        Assert.Equal(matches, ETags.IfMatch(header)!.Matches(current));

    [Theory]
    [InlineData("*")]
    [InlineData("\"1\"")]
    public void Nothing_matches_a_record_that_does_not_exist(string header) => Assert.False(ETags.IfMatch(header)!.Matches(null));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_header_is_no_precondition(string? header) => Assert.Null(ETags.IfMatch(header));

    [Theory]
    [InlineData("a", true)]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e", true)]
    [InlineData("!~", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("line\nbreak", false)]
    public void An_idempotency_key_is_1_to_100_visible_ASCII_characters(string key, bool valid)
    {
        Assert.Equal(valid, Idempotency.IsValidKey(key));
        Assert.True(Idempotency.IsValidKey(new string('k', 100)));
        Assert.False(Idempotency.IsValidKey(new string('k', 101)));
    }
}
