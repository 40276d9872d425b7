using System.Reflection;
using Tandem.Infrastructure.Problems;

namespace Tandem.Infrastructure.Paging;

/// <summary>
/// Which page of a list a caller asked for. Every list in the app is paged the same way: pages count
/// from 1, a page holds 1 to <see cref="MaxPageSize"/> items (a list may allow more, see
/// <see cref="MaxPageSizeAttribute"/>), and a page past the end is empty. The API refuses other numbers
/// with 400 (<see cref="Check"/>, run by <see cref="PageRequestFilter"/>); use cases clamp whatever they
/// are given (<see cref="Clamp"/>), so a page number from a URL can never overflow or reach the database
/// as a negative offset.
/// </summary>
public readonly record struct PageRequest
{
    public const int MaxPageSize = 100;

    private PageRequest(int page, int pageSize)
    {
        Page = page;
        PageSize = pageSize;
    }

    public int Page { get; }
    public int PageSize { get; }

    /// <summary>Items before this page; a page beyond what an int can count starts past any list's end.</summary>
    public int Skip => (int)Math.Min(((long)Page - 1) * PageSize, int.MaxValue);

    /// <summary>Why the API refuses this page request, naming the parameter; null when it is fine.</summary>
    public static Invalid? Check(int page, int pageSize, int maxPageSize = MaxPageSize) =>
        page < 1 ? Invalid.Field("page", "page starts at 1.")
        : pageSize < 1 || pageSize > maxPageSize ? Invalid.Field("pageSize", $"pageSize must be between 1 and {maxPageSize}.")
        : null;

    /// <summary>The nearest page request that is safe to run: page at least 1, size between 1 and the maximum.</summary>
    public static PageRequest Clamp(int page, int pageSize, int maxPageSize = MaxPageSize) =>
        new(Math.Max(1, page), Math.Clamp(pageSize, 1, maxPageSize));

    /// <summary>
    /// The list's total when the page just read tells it: a page that is not full and not empty ends the list, so the
    /// total is the items before it plus its own (and an empty first page is an empty list); otherwise null.
    /// </summary>
    public int? KnownTotal(int itemsOnPage) =>
        itemsOnPage > 0 && itemsOnPage < PageSize || Page == 1 && itemsOnPage == 0 ? Skip + itemsOnPage : null;

    /// <summary>
    /// The list's total, from the page just read when it tells (<see cref="KnownTotal"/>), counted by the database only
    /// otherwise: a person's own lists are nearly always one short page, and a page of a dozen queries saves one count
    /// per list (issue 17).
    /// </summary>
    public async Task<int> TotalAsync<T>(IQueryable<T> query, int itemsOnPage, CancellationToken ct) =>
        KnownTotal(itemsOnPage) ?? await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(query, ct);

    /// <summary>This page of a list whose items were fetched with <see cref="PagingExtensions.Page{T}(IQueryable{T}, PageRequest)"/>.</summary>
    public Paged<T> Of<T>(IReadOnlyList<T> items, int totalCount) => new(items, Page, PageSize, totalCount);
}

public static class PagingExtensions
{
    public static IQueryable<T> Page<T>(this IQueryable<T> source, PageRequest page) => source.Skip(page.Skip).Take(page.PageSize);

    public static IEnumerable<T> Page<T>(this IEnumerable<T> source, PageRequest page) => source.Skip(page.Skip).Take(page.PageSize);
}

/// <summary>On an endpoint's <c>pageSize</c> parameter: the largest page this list serves, when not <see cref="PageRequest.MaxPageSize"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class MaxPageSizeAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}

/// <summary>
/// Checks <c>page</c> and <c>pageSize</c> before the handler runs, on every endpoint that takes both as
/// int parameters: set once on the group every feature maps into (TandemApp), so no endpoint carries
/// its own copy of the check and a new list endpoint is covered without anyone remembering to.
/// </summary>
public static class PageRequestFilter
{
    public static TBuilder CheckPageRequests<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(Create);

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var parameters = context.MethodInfo.GetParameters();
        var page = Array.FindIndex(parameters, p => p.Name == "page" && p.ParameterType == typeof(int));
        var pageSize = Array.FindIndex(parameters, p => p.Name == "pageSize" && p.ParameterType == typeof(int));
        if (page < 0 || pageSize < 0)
        {
            return next;
        }
        var max = parameters[pageSize].GetCustomAttribute<MaxPageSizeAttribute>()?.Value ?? PageRequest.MaxPageSize;
        return invocation => PageRequest.Check(invocation.GetArgument<int>(page), invocation.GetArgument<int>(pageSize), max) is { } invalid
            ? ValueTask.FromResult<object?>(invalid.ToProblem())
            : next(invocation);
    }
}
