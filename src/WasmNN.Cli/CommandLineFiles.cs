using WasmNN.Onnx;

namespace WasmNN.Cli;

/// <summary>
/// Checks on the files a command line names, made before any work so that a mistake is one clear line (exit 2)
/// and never an output written in the wrong place or over an input.
/// </summary>
internal static class CommandLineFiles
{
    /// <summary>Why <paramref name="path"/> cannot be read as <paramref name="what"/>, or null when it is a readable file.</summary>
    public static string? CheckReadable(string path, string what)
    {
        if (path.Length == 0) return $"the {what} path is empty";
        if (Directory.Exists(path)) return $"{path}: is a directory, not a {what}";
        if (!File.Exists(path)) return $"{path}: no such file";
        return null;
    }

    /// <summary>Reads a file the command line names; on failure <paramref name="error"/> says why.</summary>
    public static byte[]? TryReadAllBytes(string path, string what, out string? error)
    {
        error = CheckReadable(path, what);
        if (error is not null) return null;
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read {path}: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be the output <paramref name="what"/>: empty, a directory, or the same file
    /// as one of <paramref name="inputs"/> under any spelling or link. Null when it can.
    /// </summary>
    public static string? CheckOutputFile(string path, string what, params string[] inputs)
    {
        if (path.Length == 0) return $"the {what} path is empty";
        if (Directory.Exists(path)) return $"{path}: is a directory; give the {what} file's name";
        try
        {
            var resolved = ResolvedPath.Of(path);
            foreach (var input in inputs)
            {
                if (resolved == ResolvedPath.Of(input)) return $"{path}: is the input {input}; refusing to overwrite it with the {what}";
            }
        }
        catch (IOException e)
        {
            return e.Message;
        }
        return null;
    }

    /// <summary>Why <paramref name="path"/> cannot be an output folder (empty, or an existing file), or null.</summary>
    public static string? CheckOutputDirectory(string path)
    {
        if (path.Length == 0) return "the --output folder path is empty";
        if (File.Exists(path)) return $"{path}: --output is a file; it names the folder for the outputs";
        return null;
    }
}
