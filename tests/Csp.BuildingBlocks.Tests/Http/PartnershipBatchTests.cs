using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Validation;

namespace Csp.BuildingBlocks.Tests;

/// <summary>The batch reads' <c>partnerships</c> list: 1 to 50 ids, in order, none blank, malformed or repeated.</summary>
public class PartnershipBatchTests
{
    [Fact]
    public void Ids_are_read_in_order_with_spaces_around_them_ignored_and_fifty_are_accepted()
    {
        var errors = new ValidationErrors();
        Assert.Equal(["swale", "medway", "kent-fire"], PartnershipBatch.ReadIds("swale, medway ,kent-fire", errors));
        Assert.True(errors.IsEmpty);
        Assert.Equal(50, PartnershipBatch.ReadIds(string.Join(",", Enumerable.Range(0, 50).Select(i => $"p{i}")), errors).Count);
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("medway,")]
    [InlineData("medway,,swale")]
    [InlineData("medway,swale,medway")]
    [InlineData("Medway")]
    [InlineData("medway,../etc")]
    [InlineData("51")]
    public void A_bad_list_is_an_error_on_partnerships_and_no_ids(string? partnerships)
    {
        if (partnerships == "51") partnerships = string.Join(",", Enumerable.Range(0, 51).Select(i => $"p{i}"));
        var errors = new ValidationErrors();
        Assert.Empty(PartnershipBatch.ReadIds(partnerships, errors));
        Assert.True(errors.ToDictionary().ContainsKey(PartnershipBatch.Field));
    }
}
