using AnonymousBoard.Hosting;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Tests.Durability;

/// <summary>What the durability tests set up before the board starts: its boards and the pictures to post.</summary>
internal static class DurableBoard
{
    /// <summary>The boards the posters use, /b/ and /t/, with thread caps out of reach: a thread pruned by the cap would be a post gone for a good reason.</summary>
    public static void CreateBoards(string dataDirectory)
    {
        foreach (var slug in Posters.Boards)
        {
            var code = Commands.Run(["boards", "create", slug, $"Board {slug}", "--thread-cap", "100000", $"--Board:DataDirectory={dataDirectory}"],
                TextWriter.Null, TextWriter.Null, TextReader.Null);
            Assert.Equal(0, code);
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Small real pictures made by libvips in <paramref name="scratch"/>: three PNGs and three JPEGs of different colours.</summary>
    public static List<(string Name, byte[] Bytes)> MakeImages(string scratch)
    {
        var images = new List<(string, byte[])>();
        double[][] colours = [[200, 30, 30], [30, 200, 30], [30, 30, 200]];
        foreach (var extension in new[] { "png", "jpg" })
        {
            for (var i = 0; i < colours.Length; i++)
            {
                var name = $"colour{i}.{extension}";
                var (red, green, blue) = (colours[i][0], colours[i][1], colours[i][2]);
                images.Add((name, Media.TestImages.Solid(Path.Combine(scratch, name), 48, 32, red, green, blue)));
            }
        }
        return images;
    }
}
