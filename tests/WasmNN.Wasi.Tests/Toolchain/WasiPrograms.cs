using System.Security.Cryptography;
using System.Text;

namespace WasmNN.Wasi.Tests.Toolchain;

/// <summary>
/// Builds the C programs under Programs/ with Debian's clang-19 and wasi-libc, caching each .wasm under
/// the test output directory by a hash of source and flags, so reruns do not recompile.
/// </summary>
internal static class WasiPrograms
{
    private static readonly string[] s_baseFlags = ["--target=wasm32-wasi", "--sysroot=/usr", "-O2"];
    private static readonly Lock s_lock = new();

    /// <summary>Path of the built .wasm for Programs/<paramref name="name"/>.c.</summary>
    public static string Build(string name, params string[] extraFlags)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Programs", name + ".c");
        string[] flags = [.. s_baseFlags, .. extraFlags];
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(File.ReadAllText(source) + "\0" + string.Join(' ', flags))))[..16];
        var cache = Path.Combine(AppContext.BaseDirectory, "wasm-cache");
        var output = Path.Combine(cache, $"{name}-{key}.wasm");
        lock (s_lock)
        {
            if (File.Exists(output)) return output;
            Directory.CreateDirectory(cache);
            var temporary = output + $".{Environment.ProcessId}.tmp";
            var result = ProcessRunner.Run("clang-19", [.. flags, source, "-o", temporary]);
            if (result.ExitCode != 0) throw new InvalidOperationException($"clang-19 failed on {name}.c:\n{result.Stderr}");
            File.Move(temporary, output, overwrite: true);
            return output;
        }
    }
}
