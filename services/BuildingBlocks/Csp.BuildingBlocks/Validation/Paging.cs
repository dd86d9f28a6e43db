namespace Csp.BuildingBlocks.Validation;

/// <summary>
/// Paging of a list read, the same in every service: <c>?page=</c> (from 1, default 1) and <c>?pageSize=</c> (1 to
/// <see cref="MaxPageSize"/>, default <see cref="DefaultPageSize"/>). Each bad value is an error naming its parameter.
/// </summary>
public sealed record Paging(int Page, int PageSize)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    public int Skip => (Page - 1) * PageSize;

    public static Paging? Read(string? page, string? pageSize, ValidationErrors errors)
    {
        var mine = new ValidationErrors();
        var p = mine.OptionalInt("page", page) ?? 1;
        var size = mine.OptionalInt("pageSize", pageSize) ?? DefaultPageSize;
        if (p < 1) mine.Add("page", "must be 1 or more");
        else if (p > int.MaxValue / MaxPageSize) mine.Add("page", "is too large");
        if (size is < 1 or > MaxPageSize) mine.Add("pageSize", $"must be between 1 and {MaxPageSize}");
        foreach (var (field, messages) in mine.ToDictionary())
            foreach (var message in messages) errors.Add(field, message);
        return mine.IsEmpty ? new Paging(p, size) : null;
    }
}

/// <summary>One page of a list: its items, how many there are in all, and which page this is.</summary>
public sealed record PageView<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);
