namespace AnonymousBoard.Gate;

/// <summary>The end of a gated form (Gate/GateFields.cshtml).</summary>
/// <param name="What">What is sent, in words ("post", "report").</param>
public sealed record GateFieldsView(TicketOffer Ticket, string? Stamp, DateTimeOffset Now, string What, string Button);
