using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using WasmNN.Runtime;

namespace WasmNN.Examples.Web.Tests;

/// <summary>
/// examples/web in headless Chromium (Debian's, driven by Playwright): the page loads PP-OCRv4's recogniser through
/// the wasmnn loader and its variants manifest, reads a line typed into it, and its output matches our engine's on
/// the same input tensor. A screenshot is saved beside the test assembly (screenshots/web-example.png).
/// </summary>
public sealed class WebExampleTests : IDisposable
{
    private readonly string _site = Directory.CreateTempSubdirectory("wasmnn-web-site-").FullName;

    public void Dispose() => Directory.Delete(_site, recursive: true);

    /// <summary>Debian's chromium (or WASMNN_CHROMIUM), or null.</summary>
    internal static string? Chromium =>
        new[] { Environment.GetEnvironmentVariable("WASMNN_CHROMIUM"), "/usr/lib/chromium/chromium", "/usr/bin/chromium" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    [Fact]
    public async Task Page_TypedLine_ReadsItAndMatchesOurEngine()
    {
        Assert.True(Chromium is not null, "chromium is required (scripts/test.sh installs it; WASMNN_CHROMIUM overrides the path)");
        var build = ProcessRunner.Run("bash", [Path.Combine(RepositoryPaths.Root, "examples", "web", "build.sh"), _site], timeout: TimeSpan.FromMinutes(15));
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        using var server = StartServer(_site, out var url);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 900, Height = 560 } });
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync(url);
            await page.WaitForSelectorAsync("body[data-state=ready]", new PageWaitForSelectorOptions { Timeout = 300_000 });
            await page.FillAsync("#text", "WasmNN reads this line, 2026.");
            await page.ClickAsync("#draw");
            await page.WaitForSelectorAsync("body[data-state=done]", new PageWaitForSelectorOptions { Timeout = 300_000 });
            var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "web-example.png"), FullPage = true });
            Assert.Empty(errors);

            using var result = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.wasmnnExample)"));
            var root = result.RootElement;
            var input = root.GetProperty("input").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            var output = root.GetProperty("output").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            var text = root.GetProperty("text").GetString();
            // Chromium 114+ validates relaxed SIMD, and so does our engine: both run the same module.
            Assert.Equal("relaxed-simd", root.GetProperty("variant").GetString());
            Assert.Equal(await page.TextContentAsync("#result"), text);

            using var model = CompiledModel.Load(Path.Combine(_site, "model", "ppocr_rec.variants.json"));
            model.SetInput<float>(0, input);
            model.Run();
            var expected = model.OutputBuffer(0).ToArray();
            Assert.Equal(expected.Length, output.Length);
            var worst = expected.Zip(output, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= 1e-4f, $"largest difference from our engine: {worst}");
            Assert.Equal(Decode(expected, model.Outputs[0].Shape[1], model.Outputs[0].Shape[2]), Decode(output, model.Outputs[0].Shape[1], model.Outputs[0].Shape[2]));
            Assert.Contains("reads this line", text, StringComparison.Ordinal);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The best class per step: what the page decodes from, compared independently of the alphabet.</summary>
    private static int[] Decode(float[] probabilities, int steps, int classes) =>
        [.. Enumerable.Range(0, steps).Select(t => Array.IndexOf(probabilities, probabilities.AsSpan(t * classes, classes).ToArray().Max(), t * classes) - t * classes)];

    /// <summary>examples/web/serve.mjs over <paramref name="site"/> on a free loopback port (it sends the COOP/COEP headers).</summary>
    internal static Process StartServer(string site, out string url)
    {
        var server = Process.Start(new ProcessStartInfo("node", [Path.Combine(RepositoryPaths.Root, "examples", "web", "serve.mjs"), site, "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var line = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the example server printed nothing: " + server.StandardError.ReadToEnd());
        url = line.Replace("serving ", "", StringComparison.Ordinal).Trim();
        return server;
    }
}
