using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// Runs a compiled model in headless Chromium: proves the same standalone .wasm works in a real browser through the
/// raw-buffer ABI alone (docs/ABI.md), with no WasmNN code and no imports.
/// </summary>
internal static partial class BrowserRunner
{
    /// <summary>The browser's own timeout; the test kills the process tree if it ends later than this.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// WASMNN_CHROMIUM overrides; otherwise "chromium" on PATH, otherwise Debian's default location (scripts/test.sh
    /// installs the Debian package).
    /// </summary>
    public static string? ChromiumPath { get; } = FindChromium();

    /// <summary>Runs the module in a page and returns each output's floats, bit for bit as the browser produced them.</summary>
    public static float[][] Run(byte[] wasm, IReadOnlyList<float[]> inputs, int outputCount)
    {
        Assert.True(ChromiumPath is not null, "chromium is required (scripts/test.sh installs it; WASMNN_CHROMIUM overrides the path)");
        var folder = Directory.CreateTempSubdirectory("wasmnn-browser-");
        try
        {
            var page = Path.Combine(folder.FullName, "run-model.html");
            File.WriteAllText(page, Page(wasm, inputs));
            var profile = Directory.CreateDirectory(Path.Combine(folder.FullName, "profile"));
            var dom = RunChromium(new Uri(page).AbsoluteUri, profile.FullName);

            // The page writes "ok <hex>;<hex>..." or "error <message>" into #result; anything else means the script
            // never finished (for example the dump came before the async instantiate resolved).
            var match = ResultPattern().Match(dom);
            Assert.True(match.Success, "browser page produced no result; dumped DOM:\n" + Truncate(dom));
            var text = match.Groups[1].Value.Trim();
            Assert.True(text.StartsWith("ok ", StringComparison.Ordinal), "browser run failed: " + text);
            var outputs = text[3..].Split(';');
            Assert.Equal(outputCount, outputs.Length);
            return [.. outputs.Select(hex => MemoryMarshal.Cast<byte, float>(Convert.FromHexString(hex)).ToArray())];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string RunChromium(string url, string profile)
    {
        // No sandbox because the tests run as root in CI; the rest keeps the browser off the network and quiet. The
        // virtual-time budget lets the async compile and run finish before --dump-dom serializes the page. On the time
        // limit the runner kills the whole tree: Chromium forks renderer and GPU helpers.
        var result = ProcessRunner.Run(ChromiumPath!, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
            "--virtual-time-budget=20000", "--dump-dom", url], timeout: Timeout);
        Assert.True(result.ExitCode == 0, $"chromium exited with {result.ExitCode}; stderr:\n{Truncate(result.Stderr)}");
        return result.Stdout;
    }

    /// <summary>A self-contained page: the module and inputs are embedded as base64 so it needs no server or fetch.</summary>
    private static string Page(byte[] wasm, IReadOnlyList<float[]> inputs)
    {
        var inputList = string.Join(",", inputs.Select(data => "\"" + Convert.ToBase64String(MemoryMarshal.AsBytes(data.AsSpan())) + "\""));
        return $$"""
            <!DOCTYPE html>
            <html><body><pre id="result">pending</pre>
            <script>
            const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
            const wasm = bytes("{{Convert.ToBase64String(wasm)}}");
            const inputs = [{{inputList}}].map(bytes);
            const result = document.getElementById('result');
            (async () => {
              // Asynchronous compile: Chromium refuses synchronous compiles of modules over 4 KB on the main thread.
              const { module, instance } = await WebAssembly.instantiate(wasm, {});
              const [section] = WebAssembly.Module.customSections(module, 'wasmnn.meta');
              const meta = JSON.parse(new TextDecoder().decode(section));
              const { memory, wasmnn_input_ptr, wasmnn_output_ptr, wasmnn_run } = instance.exports;
              const count = (t) => t.shape.reduce((a, b) => a * b, 1);
              meta.inputs.forEach((t, i) => {
                if (inputs[i].length !== count(t) * 4) throw new Error(`input ${t.name}: ${inputs[i].length} bytes, expected ${count(t) * 4}`);
                new Uint8Array(memory.buffer, wasmnn_input_ptr(i), inputs[i].length).set(inputs[i]);
              });
              const status = wasmnn_run();
              if (status !== 0) throw new Error(`wasmnn_run returned ${status}`);
              // Hex of the raw bytes keeps every float bit-exact (JSON would round-trip through doubles and text).
              result.textContent = 'ok ' + meta.outputs.map((t, i) =>
                hex(new Uint8Array(memory.buffer, wasmnn_output_ptr(i), count(t) * 4))).join(';');
            })().catch((e) => { result.textContent = 'error ' + e; });
            </script></body></html>
            """;
    }

    private static string? FindChromium()
    {
        var overridden = Environment.GetEnvironmentVariable("WASMNN_CHROMIUM");
        if (!string.IsNullOrEmpty(overridden))
        {
            return File.Exists(overridden) ? overridden : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
    }

    private static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000] + "...";

    [GeneratedRegex("<pre id=\"result\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ResultPattern();
}
