using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Domain;

public class DataLagTests
{
    [Fact]
    public void The_next_period_is_expected_its_lag_after_it_ends_and_is_late_after_that()
    {
        // Police recorded crime arrives about two months after the quarter: 2023-Q1 is in; 2023-Q2 ends 30 Sep and is due 60 days later.
        var spec = Kpis.Spec(lagDays: 60);
        var latest = Period.Parse("2023-Q1", Frequency.Quarterly);
        var onTime = DataLag.Of(spec, latest, new DateOnly(2023, 11, 29));
        Assert.Equal(new DateOnly(2023, 11, 29), onTime.NextExpected);
        Assert.False(onTime.Late);
        Assert.True(DataLag.Of(spec, latest, new DateOnly(2023, 11, 30)).Late);
        Assert.Equal(152, onTime.AgeDays); // 30 June → 29 November
    }

    [Fact]
    public void Nothing_measured_is_not_late() => Assert.False(DataLag.Of(Kpis.Spec(), null, new DateOnly(2030, 1, 1)).Late);
}
