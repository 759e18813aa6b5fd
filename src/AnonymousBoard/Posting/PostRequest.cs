using System.Buffers;
using System.Text;
using AnonymousBoard.Boards;
using AnonymousBoard.Site;
using AnonymousBoard.Identity;
using AnonymousBoard.Markup;
using AnonymousBoard.Media;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AnonymousBoard.Posting;

/// <summary>
/// Reads a posting request (url-encoded, or multipart with a file) as it streams in. Text fields are
/// kept in memory up to a cap; a file is written to disk only up to the image limit, so a huge upload
/// is refused while streaming and the text typed beside it still comes back in the form.
/// </summary>
public static class PostRequest
{
    private const int MaxFieldChars = 256 * 1024;
    private const int MaxFileNameChars = 255;

    /// <summary>
    /// The most a post's text fields can take as sent: percent-encoding spends up to 9 bytes on a
    /// character (3 UTF-8 bytes as %XX each) in the comment, name, subject, passphrase and signature,
    /// plus room for the ticket, the stamp and the small fields.
    /// </summary>
    public static long TextAllowance(BoardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return 9L * (settings.MaxBodyChars + settings.MaxNameChars + settings.MaxSubjectChars
            + IdentityService.MaxPassphraseLength + IdentityService.MaxSignatureLength) + 16 * 1024;
    }

    /// <summary>
    /// The request body this board reads for one post. Without a file (url-encoded: curl and
    /// scripts) the text allowance. With one (multipart: every browser, since the form can carry a
    /// file) twice the image limit and the text: a photo somewhat over the limit is still read to the
    /// end and thrown away, so the form comes back with the text; a larger body is cut off unread.
    /// </summary>
    public static long BodyLimit(BoardSettings settings, bool multipart)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return TextAllowance(settings) + (multipart ? 2 * settings.MaxImageBytes : 0);
    }

    /// <summary>
    /// Reads the form; a body over <see cref="BodyLimit"/> throws a BadHttpRequestException with
    /// status 413. A body that cannot be parsed (a NUL in a url-encoded value, a broken multipart
    /// body) gives the form as far as it was read and <c>Unreadable</c>, the status to answer with.
    /// </summary>
    public static async Task<(PostForm Form, SpooledUpload? Upload, int? Unreadable)> ReadAsync(HttpRequest request, string spoolDirectory, BoardSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (!request.HasFormContentType)
        {
            return (new PostForm(), null, null);
        }
        var multipart = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = BodyLimit(settings, multipart);
        }
        var maxFileBytes = settings.MaxImageBytes;
        if (!multipart)
        {
            try
            {
                var form = await request.ReadFormAsync(ct);
                return (PostForm.FromFields(form.ToDictionary(f => f.Key, f => f.Value.ToString())), null, null);
            }
            catch (Exception e) when (FormInput.IsMalformed(e, ct))
            {
                return (new PostForm(), null, StatusCodes.Status400BadRequest);
            }
        }
        var boundary = HeaderUtilities.RemoveQuotes(type!.Boundary).Value ?? "";
        var reader = new MultipartReader(boundary, request.Body);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        SpooledUpload? upload = null;
        // One buffer for every text part, from the pool: a field's cap is half a megabyte of chars, and a new one
        // per part (a form has eight) was most of what a post cost, zeroed and then collected from the large-object heap.
        var buffer = ArrayPool<char>.Shared.Rent(MaxFieldChars);
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } name)
                {
                    continue;
                }
                if (disposition.IsFileDisposition())
                {
                    var fileName = disposition.FileNameStar.Value ?? disposition.FileName.Value;
                    if (name == "file" && upload is null && !string.IsNullOrEmpty(fileName))
                    {
                        upload = await SpoolAsync(section.Body, spoolDirectory, fileName, maxFileBytes, ct);
                    }
                    continue; // any other file part is read past, never stored
                }
                using var text = new StreamReader(section.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
                var read = await text.ReadBlockAsync(buffer.AsMemory(0, MaxFieldChars), ct);
                fields[name] = new string(buffer, 0, read);
            }
        }
        catch (Exception e) when (FormInput.IsMalformed(e, ct))
        {
            // A broken body (truncated, a bad part header): what was read so far goes back in the form.
            upload?.Dispose();
            return (PostForm.FromFields(fields), null, StatusCodes.Status400BadRequest);
        }
        catch
        {
            upload?.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
        // A browser sends an empty file part when nothing was chosen.
        if (upload is { Length: 0, TooLarge: false, NotStored: null })
        {
            upload.Dispose();
            upload = null;
        }
        return (PostForm.FromFields(fields), upload, null);
    }

    private static async Task<SpooledUpload> SpoolAsync(Stream body, string directory, string fileName, long maxBytes, CancellationToken ct)
    {
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".upload");
        var name = KeptName(fileName);
        long written = 0;
        var tooLarge = false;
        var buffer = new byte[81920];
        int read;
        try
        {
            Directory.CreateDirectory(directory);
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                if (tooLarge)
                {
                    continue;
                }
                var keep = (int)Math.Min(read, maxBytes + 1 - written);
                await file.WriteAsync(buffer.AsMemory(0, keep), ct);
                written += keep;
                tooLarge = written > maxBytes;
            }
        }
        catch (Exception e) when (Storage.StorageFailure.Reason(e) is { } reason)
        {
            // A full or read-only disk: the rest of the file is read past, so the text fields after
            // it (and the ticket) still arrive and the form can go back with them.
            while (await body.ReadAsync(buffer, ct) > 0)
            {
            }
            TryDelete(path);
            return new SpooledUpload(path, name, 0, tooLarge: false, notStored: reason);
        }
        return new SpooledUpload(path, name, written, tooLarge);
    }

    /// <summary>The file's own name without any path, as one line of text, at most as long as a file system allows.</summary>
    private static string KeptName(string fileName)
    {
        var name = HtmlText.OneLine(Path.GetFileName(fileName.Replace('\\', '/')))!;
        return HtmlText.ValidUnicode(name.Length > MaxFileNameChars ? name[..MaxFileNameChars] : name);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (Storage.StorageFailure.Reason(e) is not null)
        {
            // Nothing was written there, or the start-up sweep removes it.
        }
    }
}
