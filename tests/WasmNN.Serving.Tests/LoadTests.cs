using WasmNN.ServingLoad;

namespace WasmNN.Serving.Tests;

/// <summary>
/// A bounded slice of the load test (benchmarks/serving/load.sh runs 20,000 requests): many concurrent connections
/// on two models at once, no request lost, every answer checked against PyTorch or float addition.
/// </summary>
public sealed class LoadTests
{
    [Fact]
    public async Task Load_1000RequestsFrom64Connections_AllAnsweredAndRight()
    {
        var (server, client) = await ServerFixture.StartAsync([new("lenet5", TestModels.LeNet), new("add", TestModels.Add)], new PoolOptions());
        await using var _ = server;
        using var __ = client;
        var lenet = LoadCase.LeNet("lenet5", TestModels.LeNetInputNpy, TestModels.LeNetOutputNpy);
        var result = await LoadGenerator.RunAsync(server.BaseAddress, i => i % 2 == 0 ? LoadCase.Add("add", i) : lenet, 1000, 64);
        Assert.True(result.Answered == 1000, $"{result}\n{string.Join('\n', result.Errors)}");
        Assert.Equal(1000, server.Models.Values.Sum(m => m.Metrics.Answered));
    }

    [Fact]
    public async Task Load_ExternalWeightsBuild_EveryInstanceLoadsThemAndAnswersRight()
    {
        var (server, client) = await ServerFixture.StartAsync([new("lenet5", TestModels.LeNetExternalWeights)], new PoolOptions { Instances = 2 });
        await using var _ = server;
        using var __ = client;
        var lenet = LoadCase.LeNet("lenet5", TestModels.LeNetInputNpy, TestModels.LeNetOutputNpy);

        var result = await LoadGenerator.RunAsync(server.BaseAddress, _ => lenet, 40, 4);

        Assert.True(result.Answered == 40, $"{result}\n{string.Join('\n', result.Errors)}");
    }
}
