using System.Text.Json;

namespace AnonymousBoard.Tests.Api;

/// <summary>
/// The shapes of 4chan's read-only API, written from its documentation (the 4chan-API project's pages
/// for boards.json, threads.json, catalog.json, the index pages, threads and archive.json): each field,
/// its JSON type, and where it may appear. <see cref="Problems"/> lists every way a document departs
/// from them; fields of the board's own are allowed when named anonboard_*.
/// </summary>
public static class FourChanSchema
{
    private enum Where { Always, Op, OpCatalog, File, Optional }

    private static readonly Dictionary<string, (JsonValueKind Kind, Where Where)> PostFields = new()
    {
        ["no"] = (JsonValueKind.Number, Where.Always),
        ["resto"] = (JsonValueKind.Number, Where.Always),
        ["sticky"] = (JsonValueKind.Number, Where.Op),
        ["closed"] = (JsonValueKind.Number, Where.Op),
        ["now"] = (JsonValueKind.String, Where.Always),
        ["time"] = (JsonValueKind.Number, Where.Always),
        ["name"] = (JsonValueKind.String, Where.Always),
        ["trip"] = (JsonValueKind.String, Where.Optional),
        ["sub"] = (JsonValueKind.String, Where.Optional),
        ["com"] = (JsonValueKind.String, Where.Optional),
        ["tim"] = (JsonValueKind.Number, Where.File),
        ["filename"] = (JsonValueKind.String, Where.File),
        ["ext"] = (JsonValueKind.String, Where.File),
        ["fsize"] = (JsonValueKind.Number, Where.File),
        ["md5"] = (JsonValueKind.String, Where.File),
        ["w"] = (JsonValueKind.Number, Where.File),
        ["h"] = (JsonValueKind.Number, Where.File),
        ["tn_w"] = (JsonValueKind.Number, Where.File),
        ["tn_h"] = (JsonValueKind.Number, Where.File),
        ["spoiler"] = (JsonValueKind.Number, Where.Optional),
        ["omitted_posts"] = (JsonValueKind.Number, Where.OpCatalog),
        ["omitted_images"] = (JsonValueKind.Number, Where.OpCatalog),
        ["replies"] = (JsonValueKind.Number, Where.Op),
        ["images"] = (JsonValueKind.Number, Where.Op),
        ["bumplimit"] = (JsonValueKind.Number, Where.Op),
        ["imagelimit"] = (JsonValueKind.Number, Where.Op),
        ["archived"] = (JsonValueKind.Number, Where.Op),
        ["archived_on"] = (JsonValueKind.Number, Where.Op),
        ["last_modified"] = (JsonValueKind.Number, Where.OpCatalog),
        ["last_replies"] = (JsonValueKind.Array, Where.OpCatalog),
    };

    private static readonly string[] FileFields = ["tim", "filename", "ext", "fsize", "md5", "w", "h", "tn_w", "tn_h"];

    private static readonly string[] OnlyOne = ["sticky", "closed", "spoiler", "archived"];

    private static readonly Dictionary<string, JsonValueKind> BoardFields = new()
    {
        ["board"] = JsonValueKind.String, ["title"] = JsonValueKind.String, ["ws_board"] = JsonValueKind.Number,
        ["per_page"] = JsonValueKind.Number, ["pages"] = JsonValueKind.Number, ["max_filesize"] = JsonValueKind.Number,
        ["max_webm_filesize"] = JsonValueKind.Number, ["max_comment_chars"] = JsonValueKind.Number,
        ["max_webm_duration"] = JsonValueKind.Number, ["bump_limit"] = JsonValueKind.Number, ["image_limit"] = JsonValueKind.Number,
        ["cooldowns"] = JsonValueKind.Object, ["meta_description"] = JsonValueKind.String,
    };

    private static readonly Dictionary<string, JsonValueKind> OptionalBoardFields = new()
    {
        ["spoilers"] = JsonValueKind.Number, ["custom_spoilers"] = JsonValueKind.Number, ["is_archived"] = JsonValueKind.Number,
        ["text_only"] = JsonValueKind.Number, ["forced_anon"] = JsonValueKind.Number, ["require_subject"] = JsonValueKind.Number,
    };

    /// <summary>Problems of a post object; <paramref name="op"/>: an opening post, <paramref name="listing"/>: on an index page or the catalog.</summary>
    public static IEnumerable<string> Post(JsonElement post, bool op, bool listing, string where)
    {
        if (post.ValueKind != JsonValueKind.Object)
        {
            yield return $"{where}: a post is an object";
            yield break;
        }
        var no = post.TryGetProperty("no", out var n) ? n.ToString() : "?";
        where = $"{where} post {no}";
        foreach (var field in post.EnumerateObject())
        {
            if (field.Name.StartsWith("anonboard_", StringComparison.Ordinal))
            {
                continue;
            }
            if (!PostFields.TryGetValue(field.Name, out var spec))
            {
                yield return $"{where}: {field.Name} is not a 4chan field and not named anonboard_*";
                continue;
            }
            if (field.Value.ValueKind != spec.Kind)
            {
                yield return $"{where}: {field.Name} is {field.Value.ValueKind}, the documentation says {spec.Kind}";
            }
            if (spec.Where is Where.Op or Where.OpCatalog && !op)
            {
                yield return $"{where}: {field.Name} is for opening posts only";
            }
            if (spec.Where == Where.OpCatalog && !listing && field.Name != "last_modified")
            {
                yield return $"{where}: {field.Name} belongs on index pages and the catalog";
            }
            if (OnlyOne.Contains(field.Name) && field.Value.ValueKind == JsonValueKind.Number && field.Value.GetInt64() != 1)
            {
                yield return $"{where}: {field.Name} is 1 or not set";
            }
        }
        foreach (var required in PostFields.Where(f => f.Value.Where == Where.Always).Select(f => f.Key))
        {
            if (!post.TryGetProperty(required, out _))
            {
                yield return $"{where}: {required} is missing";
            }
        }
        if (op)
        {
            foreach (var required in new[] { "replies", "images" })
            {
                if (!post.TryGetProperty(required, out _))
                {
                    yield return $"{where}: an opening post has {required}";
                }
            }
            if (post.GetProperty("resto").GetInt64() != 0)
            {
                yield return $"{where}: resto of an opening post is 0";
            }
        }
        var files = FileFields.Count(f => post.TryGetProperty(f, out _));
        if (files is not 0 && files != FileFields.Length)
        {
            yield return $"{where}: a post with a file has all of {string.Join(", ", FileFields)}";
        }
        if (post.TryGetProperty("md5", out var md5) && md5.ValueKind == JsonValueKind.String && (md5.GetString()!.Length != 24 || !md5.GetString()!.EndsWith("==", StringComparison.Ordinal)))
        {
            yield return $"{where}: md5 is 24 characters of base64";
        }
        if (post.TryGetProperty("last_replies", out var last) && last.ValueKind == JsonValueKind.Array)
        {
            foreach (var reply in last.EnumerateArray())
            {
                foreach (var problem in Post(reply, op: false, listing: true, where + " last_replies"))
                {
                    yield return problem;
                }
            }
        }
    }

    public static IEnumerable<string> Boards(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("boards", out var boards) || boards.ValueKind != JsonValueKind.Array)
        {
            yield return "boards.json is an object with a boards array";
            yield break;
        }
        foreach (var board in boards.EnumerateArray())
        {
            foreach (var (name, kind) in BoardFields)
            {
                if (!board.TryGetProperty(name, out var value))
                {
                    yield return $"boards.json: {name} is missing";
                }
                else if (value.ValueKind != kind)
                {
                    yield return $"boards.json: {name} is {value.ValueKind}, the documentation says {kind}";
                }
            }
            foreach (var field in board.EnumerateObject())
            {
                if (!BoardFields.ContainsKey(field.Name) && !field.Name.StartsWith("anonboard_", StringComparison.Ordinal)
                    && (!OptionalBoardFields.TryGetValue(field.Name, out var kind) || kind != field.Value.ValueKind))
                {
                    yield return $"boards.json: {field.Name} is not a 4chan board field of that type";
                }
            }
        }
    }

    /// <summary>threads.json and catalog.json: pages from 1, each with its threads.</summary>
    public static IEnumerable<string> Pages(JsonElement root, bool catalog)
    {
        var name = catalog ? "catalog.json" : "threads.json";
        if (root.ValueKind != JsonValueKind.Array)
        {
            yield return $"{name} is an array of pages";
            yield break;
        }
        var expected = 1;
        foreach (var page in root.EnumerateArray())
        {
            if (!page.TryGetProperty("page", out var number) || number.GetInt32() != expected++)
            {
                yield return $"{name}: pages are numbered from 1";
            }
            foreach (var thread in page.GetProperty("threads").EnumerateArray())
            {
                if (catalog)
                {
                    foreach (var problem in Post(thread, op: true, listing: true, name))
                    {
                        yield return problem;
                    }
                }
                else if (thread.EnumerateObject().Select(f => f.Name).Order().SequenceEqual(["last_modified", "no", "replies"]) is false
                    || thread.EnumerateObject().Any(f => f.Value.ValueKind != JsonValueKind.Number))
                {
                    yield return $"{name}: a thread is no, last_modified and replies, all integers";
                }
            }
        }
    }

    /// <summary>A thread's posts (thread/{no}.json) or an index page's threads ({page}.json).</summary>
    public static IEnumerable<string> Posts(JsonElement posts, bool listing, string where)
    {
        var first = true;
        foreach (var post in posts.EnumerateArray())
        {
            foreach (var problem in Post(post, first, listing, where))
            {
                yield return problem;
            }
            first = false;
        }
    }
}
