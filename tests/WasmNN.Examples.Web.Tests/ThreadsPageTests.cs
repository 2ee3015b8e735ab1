using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Playwright;
using WasmNN.Compiler;
using WasmNN.Compiler.IO;
using WasmNN.Runtime;

namespace WasmNN.Examples.Web.Tests;

/// <summary>
/// A `--threads` build in headless Chromium: a page served with the cross-origin isolation headers (examples/web
/// serve.mjs) loads LeNet-5's threads build through the npm package's loader on two Web Workers, and its output is
/// the default build's on our engine, bit for bit, and close to PyTorch's.
/// </summary>
public sealed class ThreadsPageTests : IDisposable
{
    private const string Page = """
        <!doctype html>
        <meta charset="utf-8">
        <title>wasmnn threads</title>
        <script type="module">
        import { loadModel } from './wasmnn/index.js';
        try {
          const input = new Float32Array(await (await fetch('input.bin')).arrayBuffer());
          const model = await loadModel('lenet5.threads.wasm', { threads: 2 });
          const result = await model.run({ [model.inputs[0].name]: input });
          window.threadsResult = { isolated: crossOriginIsolated, threads: model.threads, output: Array.from(result[model.outputs[0].name].data) };
          model.dispose();
        } catch (e) {
          window.threadsResult = { error: String(e?.stack ?? e) };
        }
        document.body.dataset.state = 'done';
        </script>
        <body></body>
        """;

    private readonly string _site = Directory.CreateTempSubdirectory("wasmnn-threads-site-").FullName;

    public void Dispose() => Directory.Delete(_site, recursive: true);

    [Fact]
    public async Task ThreadsBuild_TwoWebWorkersInChromium_GivesTheDefaultBuildsBits()
    {
        Assert.True(WebExampleTests.Chromium is not null, "chromium is required (scripts/test.sh installs it; WASMNN_CHROMIUM overrides the path)");
        var onnx = Path.Combine(RepositoryPaths.Shared, "models", "lenet5.onnx");
        var input = Npy.Read(Path.Combine(RepositoryPaths.Shared, "models", "lenet5.input.npy")).AsFloat32();
        var pytorch = Npy.Read(Path.Combine(RepositoryPaths.Shared, "models", "lenet5.output.npy")).AsFloat32();
        File.WriteAllBytes(Path.Combine(_site, "lenet5.threads.wasm"), ModelCompiler.Compile(onnx, new CompileOptions { Threads = 2 }).Wasm);
        File.WriteAllBytes(Path.Combine(_site, "input.bin"), MemoryMarshal.AsBytes(input.AsSpan()).ToArray());
        File.WriteAllText(Path.Combine(_site, "index.html"), Page);
        var loader = Directory.CreateDirectory(Path.Combine(_site, "wasmnn")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "js", "src")))
        {
            File.Copy(file, Path.Combine(loader, Path.GetFileName(file)));
        }
        var defaultBuild = Path.Combine(_site, "lenet5.wasm");
        File.WriteAllBytes(defaultBuild, ModelCompiler.Compile(onnx).Wasm);
        using var reference = CompiledModel.Load(defaultBuild);
        reference.SetInput<float>(0, input);
        reference.Run();
        var expected = reference.OutputBuffer(0).ToArray();

        using var server = WebExampleTests.StartServer(_site, out var url);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = WebExampleTests.Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu"],
            });
            var page = await browser.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync(url);
            // Attached, not visible: the page shows nothing.
            await page.WaitForSelectorAsync("body[data-state=done]", new PageWaitForSelectorOptions { Timeout = 120_000, State = WaitForSelectorState.Attached });
            Assert.Empty(errors);
            using var result = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.threadsResult)"));
            var root = result.RootElement;
            Assert.False(root.TryGetProperty("error", out var error), error.ToString());
            Assert.True(root.GetProperty("isolated").GetBoolean(), "the page is not cross-origin isolated");
            Assert.Equal(2, root.GetProperty("threads").GetInt32());
            var output = root.GetProperty("output").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.Equal(expected, output);
            var worst = pytorch.Zip(output, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= 1e-4f, $"largest difference from PyTorch: {worst}");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }
}
