namespace Tandem.Features.Relationships;

/// <summary>The "MentorRequests" configuration section (docs/operations.md).</summary>
public sealed class MentorRequestOptions
{
    /// <summary>Run the worker that times out unanswered mentor requests on this node (test hosts turn it off).</summary>
    public bool TimeoutWorkerEnabled { get; set; } = true;
}
