using System.Net;
using Csp.Portal.Packs;

namespace Csp.Portal.Tests;

/// <summary>A batch item becomes the failure its partnership's own call would have thrown: a 403 item is a refusal (the pack
/// is reported refused), a 404 or a partnership left out of the answer a failure, and a 200 item none.</summary>
public sealed class BoardFiguresBatchItemTests
{
    private static Dictionary<string, BoardFiguresBatch.Item<BoardFiguresBatch.FundingFigures>> Items() => BoardFiguresBatch.ByPartnership(
        new BoardFiguresBatch.Answer<BoardFiguresBatch.FundingFigures>(
        [
            new("medway", 200, new BoardFiguresBatch.FundingFigures([]), null),
            new("swale", 403, default, new BoardFiguresBatch.Problem(403, "You may not do this", "You do not belong to this partnership.")),
            new("nowhere", 404, default, new BoardFiguresBatch.Problem(404, "Partnership 'nowhere' was not found", null)),
        ]));

    [Fact]
    public void Each_item_is_the_failure_its_own_call_would_have_been()
    {
        var items = Items();
        Assert.Null(BoardFiguresBatch.Failure("medway", items));
        var refused = BoardFiguresBatch.Failure("swale", items)!;
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("You do not belong to this partnership.", refused.Problem!.Detail);
        Assert.Equal(HttpStatusCode.NotFound, BoardFiguresBatch.Failure("nowhere", items)!.Status);
        Assert.Equal(HttpStatusCode.BadGateway, BoardFiguresBatch.Failure("left-out", items)!.Status);
    }

    [Fact]
    public void A_refused_funding_item_is_the_funding_position_not_available_as_for_one_pack()
    {
        var position = BoardFiguresComposer.FundingNotAvailable(BoardFiguresBatch.Failure("swale", Items())!.Status);
        Assert.False(position.Available);
        Assert.Equal("Your role does not include the funding position.", position.NotAvailable);
    }
}
