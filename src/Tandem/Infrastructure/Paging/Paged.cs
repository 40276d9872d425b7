namespace Tandem.Infrastructure.Paging;

/// <summary>One page of a list: its items, which page it is, and how many items the whole list holds.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount)
{
    public int TotalPages => PageSize <= 0 ? 0 : (int)(((long)TotalCount + PageSize - 1) / PageSize);
}
