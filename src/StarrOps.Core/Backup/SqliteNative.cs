using System.Runtime.InteropServices;
using System.Text;

namespace StarrOps.Core.Backup;

/// <summary>
/// The few SQLite calls a backup check needs, through the system's libsqlite3 (Debian: package
/// <c>libsqlite3-0</c>). Microsoft.Data.Sqlite's current releases need net10, and the core is net8.0;
/// these five functions are all a read-only <c>PRAGMA integrity_check</c> takes.
/// </summary>
internal static class SqliteNative
{
    private const string Library = "libsqlite3.so.0";
    private const int OpenReadOnly = 0x1;
    private const int OpenReadWrite = 0x2;
    private const int OpenCreate = 0x4;
    private const int Ok = 0;
    private const int Row = 100;
    private const int Done = 101;

    /// <summary>The rows <c>PRAGMA integrity_check</c> returns: exactly ["ok"] for a sound database.</summary>
    /// <exception cref="InvalidDataException">The file is not a database SQLite can open.</exception>
    /// <exception cref="DllNotFoundException">libsqlite3.so.0 is not installed.</exception>
    public static IReadOnlyList<string> IntegrityCheck(string path) => Query(path, "PRAGMA integrity_check", readOnly: true);

    /// <summary>Runs statements (creating the file when needed) and returns the first column of every row; for tests and fixtures.</summary>
    public static IReadOnlyList<string> Execute(string path, string sql) => Query(path, sql, readOnly: false);

    private static IReadOnlyList<string> Query(string path, string sql, bool readOnly)
    {
        var flags = readOnly ? OpenReadOnly : OpenReadWrite | OpenCreate;
        var code = sqlite3_open_v2(Utf8(path), out var db, flags, IntPtr.Zero);
        try
        {
            if (code != Ok) throw new InvalidDataException($"SQLite cannot open {Path.GetFileName(path)}: {Message(db, code)}");
            var rows = new List<string>();
            var remaining = Utf8(sql);
            var handle = GCHandle.Alloc(remaining, GCHandleType.Pinned);
            try
            {
                var start = handle.AddrOfPinnedObject();
                var end = start + remaining.Length - 1;
                var next = start;
                while (next != IntPtr.Zero && next.ToInt64() < end.ToInt64())
                {
                    code = sqlite3_prepare_v2(db, next, -1, out var statement, out var tail);
                    if (code != Ok) throw new InvalidDataException($"SQLite rejected the database {Path.GetFileName(path)}: {Message(db, code)}");
                    if (statement == IntPtr.Zero) break; // only whitespace or a comment was left
                    try
                    {
                        while ((code = sqlite3_step(statement)) == Row)
                            rows.Add(Marshal.PtrToStringUTF8(sqlite3_column_text(statement, 0)) ?? "");
                        if (code != Done) throw new InvalidDataException($"SQLite failed on {Path.GetFileName(path)}: {Message(db, code)}");
                    }
                    finally
                    {
                        sqlite3_finalize(statement);
                    }
                    next = tail;
                }
            }
            finally
            {
                handle.Free();
            }
            return rows;
        }
        finally
        {
            if (db != IntPtr.Zero) sqlite3_close_v2(db);
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");

    private static string Message(IntPtr db, int code) =>
        (db == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(sqlite3_errmsg(db))) ?? $"error code {code}";

    [DllImport(Library)] private static extern int sqlite3_open_v2(byte[] filename, out IntPtr db, int flags, IntPtr vfs);
    [DllImport(Library)] private static extern int sqlite3_close_v2(IntPtr db);
    [DllImport(Library)] private static extern int sqlite3_prepare_v2(IntPtr db, IntPtr sql, int bytes, out IntPtr statement, out IntPtr tail);
    [DllImport(Library)] private static extern int sqlite3_step(IntPtr statement);
    [DllImport(Library)] private static extern IntPtr sqlite3_column_text(IntPtr statement, int column);
    [DllImport(Library)] private static extern int sqlite3_finalize(IntPtr statement);
    [DllImport(Library)] private static extern IntPtr sqlite3_errmsg(IntPtr db);
}
