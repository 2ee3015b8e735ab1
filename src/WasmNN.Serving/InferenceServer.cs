using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WasmNN.Serving.Protocol;

namespace WasmNN.Serving;

/// <summary>
/// Serves compiled models over the Open Inference Protocol (KServe v2 REST) on Kestrel: health, server and model
/// metadata, model readiness, inference with JSON or binary tensor data, and Prometheus <c>/metrics</c>. Stopping
/// (SIGTERM, <see cref="StopAsync"/>) refuses new connections and answers every accepted request before it returns.
/// </summary>
public sealed partial class InferenceServer : IAsyncDisposable
{
    /// <summary>The header that says how many bytes of a body are JSON before binary tensor data.</summary>
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    /// <summary>The server's version for <c>GET /v2</c>: the one in Directory.Build.props, without the commit.</summary>
    private static readonly string s_version = typeof(InferenceServer).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    private readonly WebApplication _app;
    private readonly Dictionary<string, ServedModel> _models;
    private readonly ILogger _log;
    private bool _disposed;

    private InferenceServer(WebApplication app, Dictionary<string, ServedModel> models, ILogger log)
    {
        _app = app;
        _models = models;
        _log = log;
    }

    /// <summary>The models by name.</summary>
    public IReadOnlyDictionary<string, ServedModel> Models => _models;

    /// <summary>The address the server listens on (with the port chosen when <see cref="ServerOptions.Port"/> was 0).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Loads every model, then starts listening.</summary>
    /// <exception cref="ArgumentException">Two models share a name.</exception>
    /// <exception cref="IOException">A model file cannot be read, or the port cannot be bound.</exception>
    /// <exception cref="FormatException">A file is not a compiled model.</exception>
    public static async Task<InferenceServer> StartAsync(IReadOnlyList<ModelSource> sources, ServerOptions options, CancellationToken cancellation = default)
    {
        var duplicate = sources.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two models are called '{duplicate.Key}': name one of them with NAME=PATH");
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (options.ConsoleLogs)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.Address, options.Port);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WasmNN.Serving");
        var models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        var server = new InferenceServer(app, models, log);
        try
        {
            foreach (var source in sources)
            {
                var model = ServedModel.Load(source, options.Pool, log);
                models.Add(source.Name, model);
                var signature = model.Signature;
                string inputs = Describe(signature.Metadata.Inputs), outputs = Describe(signature.Metadata.Outputs);
                LogModel(log, signature.Name, source.Path, inputs, outputs, options.Pool.Instances, model.Pool.GatherRows);
            }
            server.MapEndpoints();
            await app.StartAsync(cancellation).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Completes when the host has been asked to stop (SIGTERM, Ctrl+C, <see cref="StopAsync"/>) and has answered every accepted request.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops listening and answers every accepted request.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _app.StopAsync().ConfigureAwait(false);
        foreach (var model in _models.Values)
        {
            model.Dispose();
            LogStopped(_log, model.Signature.Name, model.Metrics.Accepted, model.Metrics.Answered, model.Metrics.Traps);
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private void MapEndpoints()
    {
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        _app.MapGet("/v2", context => Json(context, 200, new Dictionary<string, object>
        {
            ["name"] = "wasmnn",
            ["version"] = s_version,
            ["extensions"] = new[] { "binary_tensor_data" },
        }));
        _app.MapGet("/v2/health/live", context => Json(context, 200, new Dictionary<string, object> { ["live"] = true }));
        _app.MapGet("/v2/health/ready", context =>
        {
            var ready = !lifetime.ApplicationStopping.IsCancellationRequested && _models.Values.All(m => m.Pool.IsReady);
            return Json(context, ready ? 200 : 503, new Dictionary<string, object> { ["ready"] = ready });
        });
        _app.MapGet("/metrics", context =>
        {
            context.Response.ContentType = ServingMetrics.ContentType;
            return context.Response.WriteAsync(ServingMetrics.Render(_models.Select(m => KeyValuePair.Create(m.Key, m.Value.Metrics))));
        });
        foreach (var prefix in new[] { "/v2/models/{name}", "/v2/models/{name}/versions/{version}" })
        {
            _app.MapGet(prefix, context => Guarded(context, model => Json(context, 200, ModelMetadataBody(model.Signature))));
            _app.MapGet(prefix + "/ready", context => Guarded(context, model => Json(context, 200, new Dictionary<string, object>
            {
                ["name"] = model.Signature.Name,
                ["ready"] = model.Pool.IsReady,
            })));
            _app.MapPost(prefix + "/infer", Infer);
            // Without this the fallback below would call a GET of an inference URL a 404.
            _app.MapMethods(prefix + "/infer", ["GET", "PUT", "DELETE", "PATCH"], context =>
                Error(context, 405, $"{context.Request.Path} takes POST, not {context.Request.Method}"));
        }
        _app.MapFallback(context => Error(context, 404, $"no endpoint {context.Request.Method} {context.Request.Path} (see /v2/models/{{name}})"));
    }

    private async Task Infer(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        ServedModel? model = null;
        int status;
        try
        {
            model = Find(context);
            var body = await ReadBody(context, model.Signature).ConfigureAwait(false);
            var request = InferenceRequestReader.Read(model.Signature, body, HeaderLength(context.Request));
            var outputs = await model.Pool.Submit(request).ConfigureAwait(false);
            var encoded = InferenceResponseWriter.Write(model.Signature, request, outputs);
            context.Response.StatusCode = status = 200;
            if (encoded.JsonLength is { } jsonLength)
            {
                context.Response.ContentType = "application/octet-stream";
                context.Response.Headers[HeaderLengthHeader] = jsonLength.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.ContentType = "application/json";
            }
            context.Response.ContentLength = encoded.Body.Length;
            await context.Response.Body.WriteAsync(encoded.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (InferenceException e)
        {
            status = e.StatusCode;
            await Error(context, e.StatusCode, e.Message).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            status = e.StatusCode;
            var message = e.StatusCode == 413
                ? $"the request body is larger than model '{model?.Signature.Name}' accepts ({model?.Signature.MaxRequestBytes} bytes)"
                : $"bad request: {e.Message}";
            await Error(context, e.StatusCode, message).ConfigureAwait(false);
        }
        model?.Metrics.RecordRequest(status, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Reads the whole body, refusing (413) one longer than the model's limit before reading it when its length is declared.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBody(HttpContext context, ModelSignature model)
    {
        var limit = model.MaxRequestBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        if (context.Request.ContentLength is { } declared)
        {
            if (declared > limit)
            {
                throw new InferenceException(413, $"the request body has {declared} bytes, model '{model.Name}' accepts at most {limit}");
            }
            var buffer = new byte[declared];
            await context.Request.Body.ReadExactlyAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            return buffer;
        }
        using var stream = new MemoryStream();
        await context.Request.Body.CopyToAsync(stream, context.RequestAborted).ConfigureAwait(false);
        return stream.GetBuffer().AsMemory(0, (int)stream.Length);
    }

    private static long? HeaderLength(HttpRequest request)
    {
        var value = request.Headers[HeaderLengthHeader];
        if (value.Count == 0) return null;
        return long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw InferenceException.BadRequest($"{HeaderLengthHeader} must be a byte count, got '{value}'");
    }

    private ServedModel Find(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        if (!_models.TryGetValue(name, out var model))
        {
            throw new InferenceException(404, $"unknown model '{name}' (served: {string.Join(", ", _models.Keys.Order(StringComparer.Ordinal))})");
        }
        if (context.Request.RouteValues.TryGetValue("version", out var version) && (string?)version != ModelSignature.Version)
        {
            throw new InferenceException(404, $"model '{name}' has no version '{version}' (it has {ModelSignature.Version})");
        }
        return model;
    }

    private async Task Guarded(HttpContext context, Func<ServedModel, Task> respond)
    {
        ServedModel model;
        try
        {
            model = Find(context);
        }
        catch (InferenceException e)
        {
            await Error(context, e.StatusCode, e.Message).ConfigureAwait(false);
            return;
        }
        await respond(model).ConfigureAwait(false);
    }

    private static Dictionary<string, object> ModelMetadataBody(ModelSignature model)
    {
        object Tensor(Compiler.Abi.TensorInfo t) => new Dictionary<string, object>
        {
            ["name"] = t.Name,
            ["datatype"] = V2DataTypes.FromNumpy(t.DType),
            // A batchable model's first dimension is variable: -1, as v2 spells it.
            ["shape"] = model.BatchCapacity > 0 ? [-1, .. t.Shape.Skip(1)] : t.Shape,
        };
        return new Dictionary<string, object>
        {
            ["name"] = model.Name,
            ["versions"] = new[] { ModelSignature.Version },
            ["platform"] = "wasmnn",
            ["inputs"] = model.Metadata.Inputs.Select(Tensor).ToArray(),
            ["outputs"] = model.Metadata.Outputs.Select(Tensor).ToArray(),
        };
    }

    private static async Task Json(HttpContext context, int status, Dictionary<string, object> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body)).ConfigureAwait(false);
    }

    private static async Task Error(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(InferenceResponseWriter.Error(message)).ConfigureAwait(false);
    }

    private static string Describe(IEnumerable<Compiler.Abi.TensorInfo> tensors) =>
        string.Join(", ", tensors.Select(t => $"{t.Name} {V2DataTypes.FromNumpy(t.DType)} {V2DataTypes.Shape(t.Shape)}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "serving model {Model} from {Path}: inputs {Inputs}; outputs {Outputs}; {Instances} instance(s), dynamic batching up to {BatchRows} rows (0: off)")]
    private static partial void LogModel(ILogger log, string model, string path, string inputs, string outputs, int instances, int batchRows);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopped model {Model}: {Accepted} requests accepted, {Answered} answered, {Traps} traps")]
    private static partial void LogStopped(ILogger log, string model, long accepted, long answered, long traps);
}
