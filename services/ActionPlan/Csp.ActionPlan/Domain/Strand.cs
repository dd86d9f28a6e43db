namespace Csp.ActionPlan.Domain;

/// <summary>The 4P plan: every action sits in exactly one strand.</summary>
public enum Strand { Prevent, Protect, Pursue, Prepare }

/// <summary>Status as partners report it. Written in the API as kebab-case: <c>not-started</c>, <c>on-track</c> ...</summary>
public enum ActionStatus { NotStarted, OnTrack, AtRisk, OffTrack, Completed, Cancelled }

/// <summary>BRAG: blue = completed, grey = not started yet or cancelled.</summary>
public enum Rag { Red, Amber, Green, Blue, Grey }

public static class ActionStatusRules
{
    public static bool IsCompleted(this ActionStatus status) => status == ActionStatus.Completed;

    /// <summary>Closed = completed or cancelled.</summary>
    public static bool IsClosed(this ActionStatus status) => status is ActionStatus.Completed or ActionStatus.Cancelled;

    /// <summary>
    /// Status → RAG, with the two facts a board member expects to override the partner's own view: an open action past its
    /// due date is red whatever its status says, and one that should have started but has not is amber.
    /// </summary>
    public static Rag RagFor(ActionStatus status, bool overdue, bool shouldHaveStarted) => status switch
    {
        ActionStatus.Completed => Rag.Blue,
        ActionStatus.Cancelled => Rag.Grey,
        _ when overdue => Rag.Red,
        ActionStatus.OffTrack => Rag.Red,
        ActionStatus.AtRisk => Rag.Amber,
        ActionStatus.OnTrack => Rag.Green,
        ActionStatus.NotStarted => shouldHaveStarted ? Rag.Amber : Rag.Grey,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
