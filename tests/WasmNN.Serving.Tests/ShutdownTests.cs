using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using WasmNN.ServingLoad;

namespace WasmNN.Serving.Tests;

/// <summary>
/// The real <c>wasmnn serve</c> process under load gets SIGTERM: it stops taking connections, answers every request
/// it accepted (its own count, logged when it stops, equals the answers the clients checked) and exits 0.
/// </summary>
public sealed partial class ShutdownTests
{
    [Fact]
    public async Task Serve_SigtermUnderLoad_AnswersEveryAcceptedRequestAndExits0()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "wasmnn.dll"), "serve", $"lenet5={TestModels.LeNet}", $"add={TestModels.Add}",
            "--port", "0", "--host", "127.0.0.1",
        })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var lines = new List<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            if (Listening().Match(e.Data) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups[1].Value));
        };
        var stderr = process.StandardError.ReadToEndAsync();
        process.BeginOutputReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(1));
            using var stopLoad = new CancellationTokenSource();
            var lenet = LoadCase.LeNet("lenet5", TestModels.LeNetInputNpy, TestModels.LeNetOutputNpy);
            var load = LoadGenerator.RunAsync(address, i => i % 2 == 0 ? LoadCase.Add("add", i) : lenet, int.MaxValue, 64, stopLoad.Token);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(0, Kill(process.Id, SigTerm));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await stopLoad.CancelAsync();
            var result = await load;

            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await stderr}");
            Assert.True(result.Wrong == 0 && result.HttpErrors == 0, $"{result}\n{string.Join('\n', result.Errors)}");
            Assert.True(result.Answered > 0, result.ToString());
            string[] stopped;
            lock (lines) stopped = [.. lines.Where(l => l.Contains("\"stopped model ", StringComparison.Ordinal))];
            Assert.Equal(2, stopped.Length);
            var counts = stopped.Select(l => Stopped().Match(l)).Select(m => (Accepted: long.Parse(m.Groups[1].Value), Answered: long.Parse(m.Groups[2].Value))).ToArray();
            Assert.All(counts, c => Assert.Equal(c.Accepted, c.Answered));
            Assert.Equal(result.Answered, counts.Sum(c => c.Accepted));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex("Now listening on: (http://127\\.0\\.0\\.1:\\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex("(\\d+) requests accepted, (\\d+) answered")]
    private static partial Regex Stopped();
}
