using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Posting;
using AnonymousBoard.Storage;
using AnonymousBoard.Storage.Sql;
using AnonymousBoard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Tests.Data;

public sealed class DatabaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("anonboard-db-").FullName;
    private string DbPath => Path.Combine(_dir, "board.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static object? Scalar(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Starting on the file is refused, and the file is left as it was.</summary>
    private void AssertRefusedUntouched()
    {
        SqliteConnection.ClearAllPools();
        var before = File.ReadAllBytes(DbPath);
        Assert.Throws<StorageException>(() => new SqliteDatabase(DbPath).Migrate());
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, File.ReadAllBytes(DbPath));
    }

    [Fact]
    public void Migrating_a_new_file_sets_the_schema_version_wal_and_foreign_keys()
    {
        var database = new SqliteDatabase(DbPath);
        database.Migrate();
        using var c = database.Open();
        Assert.Equal((long)SqliteDatabase.LatestVersion, Scalar(c, "PRAGMA user_version"));
        Assert.Equal("wal", Scalar(c, "PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar(c, "PRAGMA foreign_keys"));
        database.Migrate(); // a second start changes nothing
        Assert.Equal((long)SqliteDatabase.LatestVersion, Scalar(c, "PRAGMA user_version"));
    }

    [Fact]
    public void Every_connection_even_one_taken_again_from_the_pool_keeps_a_small_page_cache_of_its_own()
    {
        // A dozen pooled connections at SQLite's default 2 MB held the same pages a dozen times (README, "Size benchmark").
        var database = new SqliteDatabase(DbPath);
        database.Migrate();
        for (var i = 0; i < 2; i++)
        {
            using var c = database.Open();
            Assert.Equal(-512L, Scalar(c, "PRAGMA cache_size"));
            // A pooled connection comes back as it was left: the next Open must set it again.
            Scalar(c, "PRAGMA cache_size = -2000");
        }
    }

    [Fact]
    public void A_database_from_before_the_migrations_were_renumbered_gets_only_what_it_lacks()
    {
        // What a released board left: migrations 1, 2, 3 and moderation, numbered 5 then, and no application id.
        using (var c = new SqliteConnection($"Data Source={DbPath}"))
        {
            c.Open();
            var assembly = typeof(SqliteDatabase).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".Sqlite.Migrations.000", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Take(4))
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                Scalar(c, reader.ReadToEnd());
            }
            Scalar(c, "PRAGMA user_version = 5;");
        }
        SqliteConnection.ClearAllPools();
        var database = new SqliteDatabase(DbPath);
        database.Migrate();
        using var check = database.Open();
        Assert.Equal(1L, Scalar(check, "SELECT count(*) FROM pragma_table_info('reports') WHERE name = 'counts'"));
        Assert.Equal((long)SqliteDatabase.LatestVersion, Scalar(check, "PRAGMA user_version"));
        Assert.Equal((long)SqliteDatabase.ApplicationId, Scalar(check, "PRAGMA application_id"));
        database.Migrate(); // once renumbered, a 5 is today's 5
        Assert.Equal((long)SqliteDatabase.LatestVersion, Scalar(check, "PRAGMA user_version"));
    }

    [Theory]
    [InlineData("INSERT INTO boards (slug, title, created_at) VALUES ('Bad Slug', 't', 0)")]
    [InlineData("INSERT INTO boards (slug, title, created_at) VALUES ('ok', '', 0)")]
    [InlineData("INSERT INTO boards (slug, title, bump_limit, created_at) VALUES ('ok', 't', 0, 0)")]
    [InlineData("INSERT INTO threads (board_id, no, bumped_at, bump_seq, sticky) VALUES (1, 1, 0, 1, 2)")]
    [InlineData("INSERT INTO posts (board_id, no, thread_no, created_at, name, body, body_html, renderer_version, content_hash) VALUES (1, 99, 98, 0, 'a', 'b', 'c', 1, x'00')")]
    public void The_schema_itself_refuses_bad_rows(string sql)
    {
        var database = new SqliteDatabase(DbPath);
        database.Migrate();
        using var c = database.Open();
        using (var command = c.CreateCommand())
        {
            command.CommandText = "INSERT INTO boards (slug, title, created_at) VALUES ('b', 'General', 0)";
            command.ExecuteNonQuery();
        }
        Assert.Throws<SqliteException>(() => Scalar(c, sql));
    }

    [Fact]
    public void A_foreign_sqlite_file_is_refused_and_left_untouched()
    {
        using (var c = new SqliteConnection($"Data Source={DbPath}"))
        {
            c.Open();
            Scalar(c, "CREATE TABLE other_app (x INTEGER)");
        }
        AssertRefusedUntouched();
    }

    [Fact]
    public void A_file_that_is_not_sqlite_is_refused_and_left_untouched()
    {
        File.WriteAllText(DbPath, "this is not a database, but it is long enough to look like a header of one.................................");
        var before = File.ReadAllBytes(DbPath);
        var refusal = Assert.Throws<StorageException>(() => new SqliteDatabase(DbPath).Migrate());
        Assert.Contains("damaged or not a database", refusal.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, File.ReadAllBytes(DbPath));
    }

    [Fact]
    public void Random_bytes_the_size_of_a_database_are_refused_and_left_untouched()
    {
        File.WriteAllBytes(DbPath, System.Security.Cryptography.RandomNumberGenerator.GetBytes(64 * 1024));
        AssertRefusedUntouched();
    }

    /// <summary>A real board database of a few hundred pages, checkpointed into the one file.</summary>
    private void MakeBoardWithPosts()
    {
        var database = new SqliteDatabase(DbPath);
        database.Migrate();
        var storage = new SqliteStorage(database);
        var boards = new SqlBoardsStore();
        var posts = new SqlPostingStore();
        using var work = storage.Write();
        boards.Insert(work, "b", "General", "", new BoardSettings(), DateTimeOffset.UtcNow);
        var boardId = boards.Find(work, "b")!.Id;
        for (var i = 0; i < 300; i++)
        {
            var body = $"post {i} " + new string('x', 2000);
            var no = posts.TakeNumber(work, boardId, DateTimeOffset.UtcNow);
            if (i == 0)
            {
                posts.InsertThread(work, boardId, no, DateTimeOffset.UtcNow);
            }
            var draft = new PostDraft(i == 0 ? null : 1, "Anonymous", "", body, false, null, BitConverter.GetBytes(i), DateTimeOffset.UtcNow, TimeSpan.Zero);
            posts.InsertPost(work, new NewPost(boardId, no, 1, draft, TrustedHtml.Empty, 0));
        }
        work.Commit();
        SqliteConnection.ClearAllPools(); // the last connection to close checkpoints the WAL into the file
        Assert.False(File.Exists(DbPath + "-wal"));
    }

    [Fact]
    public void A_truncated_board_database_is_refused_and_left_untouched()
    {
        MakeBoardWithPosts();
        using (var file = new FileStream(DbPath, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }
        var before = File.ReadAllBytes(DbPath);

        var refusal = Assert.Throws<StorageException>(() => new SqliteDatabase(DbPath).Migrate());
        Assert.Contains("damaged", refusal.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, File.ReadAllBytes(DbPath));
    }

    [Fact]
    public void A_board_database_with_a_damaged_page_is_refused_and_left_untouched()
    {
        MakeBoardWithPosts();
        DamagePage100(keepTimeOfChange: false);
        AssertRefusedUntouched();
    }

    /// <summary>Page 100 of the file (of the posts' b-tree) overwritten, as a failing disk or a stray write would.</summary>
    private void DamagePage100(bool keepTimeOfChange)
    {
        var changed = File.GetLastWriteTimeUtc(DbPath);
        using (var file = new FileStream(DbPath, FileMode.Open))
        {
            file.Position = 99 * 4096;
            file.Write(Enumerable.Repeat((byte)0xFF, 4096).ToArray());
        }
        if (keepTimeOfChange)
        {
            File.SetLastWriteTimeUtc(DbPath, changed);
        }
    }

    /// <summary>A board of posts stopped cleanly: the board disposes its database, which folds the WAL in and leaves the note.</summary>
    private void MakeBoardStoppedCleanly()
    {
        MakeBoardWithPosts();
        using (var stopped = new SqliteDatabase(DbPath))
        {
            stopped.Migrate();
        }
        Assert.True(File.Exists(DbPath + ".closed"));
        Assert.False(File.Exists(DbPath + "-wal"));
    }

    [Fact]
    public void Only_a_file_closed_cleanly_and_unchanged_since_is_spared_the_full_check_at_start()
    {
        MakeBoardStoppedCleanly();

        // The trade made visible: damage that changes neither the length nor the time of last change goes unread at
        // start (SQLite finds it when it reads that page). The note is gone once the start has read it.
        DamagePage100(keepTimeOfChange: true);
        new SqliteDatabase(DbPath).Migrate();
        Assert.False(File.Exists(DbPath + ".closed"));

        // That run did not stop cleanly (never disposed): the next start reads every page and refuses the file.
        AssertRefusedUntouched();
    }

    [Fact]
    public void A_file_changed_after_a_clean_stop_is_checked_whole_and_refused_when_damaged()
    {
        MakeBoardStoppedCleanly();
        // A write by anything else moves the time of last change.
        Thread.Sleep(20);
        DamagePage100(keepTimeOfChange: false);

        AssertRefusedUntouched();
    }

    [Fact]
    public void A_wal_left_beside_a_file_closed_cleanly_means_a_later_run_crashed_and_the_file_is_checked_whole()
    {
        MakeBoardStoppedCleanly();
        DamagePage100(keepTimeOfChange: true);
        // Someone opened the file after the clean stop and was killed: its (empty) WAL is still there.
        File.WriteAllBytes(DbPath + "-wal", []);

        AssertRefusedUntouched();
    }

    [Fact]
    public void Another_programs_database_that_uses_user_version_too_is_refused_and_left_untouched()
    {
        using (var c = new SqliteConnection($"Data Source={DbPath}"))
        {
            c.Open();
            Scalar(c, "CREATE TABLE accounts (x INTEGER); PRAGMA user_version = 2;");
        }
        SqliteConnection.ClearAllPools();
        var before = File.ReadAllBytes(DbPath);

        var refusal = Assert.Throws<StorageException>(() => new SqliteDatabase(DbPath).Migrate());
        Assert.Contains("another program", refusal.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, File.ReadAllBytes(DbPath));
    }

    [Fact]
    public void A_failure_in_the_middle_of_writing_a_post_leaves_nothing_behind()
    {
        var database = new SqliteDatabase(DbPath);
        database.Migrate();
        var storage = new SqliteStorage(database);
        var posts = new SqlPostingStore();
        long boardId;
        using (var setup = storage.Write())
        {
            var boards = new SqlBoardsStore();
            boards.Insert(setup, "b", "General", "", new BoardSettings(), DateTimeOffset.UtcNow);
            boardId = boards.Find(setup, "b")!.Id;
            setup.Commit();
        }
        // Make the post's insert fail after its number was taken and its thread written.
        using (var c = database.Open())
        {
            Scalar(c, "CREATE TRIGGER fail_posts BEFORE INSERT ON posts BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
        }
        var draft = new PostDraft(null, "Anonymous", "", "body", false, null, [1, 2, 3], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        Assert.Throws<SqliteException>(() =>
        {
            using var work = storage.Write();
            var no = posts.TakeNumber(work, boardId, draft.Now);
            posts.InsertThread(work, boardId, no, draft.Now);
            posts.InsertPost(work, new NewPost(boardId, no, no, draft, TrustedHtml.Empty, 0));
            work.Commit();
        });

        using var check = database.Open();
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM threads"));
        Assert.Equal(1L, Scalar(check, "SELECT next_post_no FROM boards"));
    }
}
