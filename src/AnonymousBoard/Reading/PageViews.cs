using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Reading;

/// <summary>One post as Reading/PostArticle.cshtml shows it.</summary>
/// <param name="StaffBase">Only for the staff view ("/mod"): a "mod" link, and hidden posts show their text. Never cached for readers.</param>
/// <param name="Preview">
/// On the board index: anchors, backlinks, the report link and the Reply link of replies wait for
/// the thread page, one click away through the post's number; the opening post keeps its Reply link.
/// </param>
public sealed record PostView(string BoardSlug, StoredPost Post, IReadOnlyList<Backlink> Backlinks, string? StaffBase = null, bool Preview = false);

/// <summary>Posts one after another (Reading/ThreadPosts.cshtml); a pseudonym's page puts each under its board's name.</summary>
public sealed record PostList(IReadOnlyList<PostView> Posts, bool UnderBoardNames = false);

/// <summary>A thread's preview on the board index (Reading/ThreadPreview.cshtml).</summary>
public sealed record ThreadContentView(string BoardSlug, ThreadContent Thread);

/// <summary>A board's catalog tiles (Reading/CatalogTiles.cshtml).</summary>
public sealed record CatalogView(string BoardSlug, IReadOnlyList<ThreadSummary> Threads);

/// <summary>
/// A thread page around its posts (Reading/ThreadPage.cshtml), which it leaves a slot for; <paramref name="ReplyForm"/> is
/// absent when the thread takes no replies.
/// </summary>
public sealed record ThreadPageView(Board Board, IReadOnlyList<Board> Boards, GateStatus Gate, ThreadSummary Thread, FilledFormView? ReplyForm, PreparedHtml DeleteForm);

/// <summary>A prepared form and what this request writes into it (Reading/FilledForm.cshtml).</summary>
/// <param name="Text">The comment's first text: the quoted post of a Reply link, or null.</param>
/// <param name="Gate">The gate's fields; null in a page prepared once, which leaves slots for the text and them (<see cref="Templates.Slot"/>).</param>
public sealed record FilledFormView(PreparedForm Form, string? Text, GateFieldsView? Gate);

/// <summary>A page of the board index as prepared once per write: each thread's preview, and how many pages there are.</summary>
public sealed record PreparedIndex(IReadOnlyList<PreparedHtml> Previews, int PageCount);

/// <summary>A page of the board index (Reading/IndexPage.cshtml).</summary>
public sealed record IndexPageView(Board Board, IReadOnlyList<Board> Boards, GateStatus Gate, int PageNo, PreparedIndex Threads, FilledFormView Form);

/// <summary>A board's catalog (Reading/CatalogPage.cshtml).</summary>
public sealed record CatalogPageView(Board Board, IReadOnlyList<Board> Boards, GateStatus Gate, PreparedHtml Tiles);

/// <summary>Every post one key signed (Reading/PseudonymPage.cshtml).</summary>
public sealed record PseudonymPageView(IReadOnlyList<Board> Boards, string Fingerprint, PostList Posts);

/// <summary>A page of a board's archive (Reading/ArchivePage.cshtml).</summary>
public sealed record ArchivePageView(Board Board, IReadOnlyList<Board> Boards, GateStatus Gate, IReadOnlyList<ThreadSummary> Threads, int PageNo, int PageCount);
