# wasmnn serve in a container (docs/SERVING.md). Build from the repository root with compiled models in ./models:
#   wasmnn compile my.onnx -o models/my.wasm
#   docker build -t wasmnn-serve .
#   docker run -p 8080:8080 wasmnn-serve            # serves every models/*.wasm, named after its file
# Stage 1: publish the tool with the SDK.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/WasmNN.Cli -c Release -o /app -nologo

# Stage 2: the ASP.NET Core runtime (the server runs on Kestrel from the shared framework) and the models.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY models/*.wasm /models/
# wasmnn binds its own port (--port); the image's default URL variable would only draw a warning.
ENV ASPNETCORE_HTTP_PORTS=
USER $APP_UID
EXPOSE 8080
# exec: dotnet becomes PID 1 and receives the SIGTERM Kubernetes sends, so accepted requests are answered before exit.
# Extra `docker run IMAGE --instances 2 ...` arguments are passed on to `wasmnn serve`.
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet /app/wasmnn.dll serve --port 8080 /models/*.wasm \"$@\"", "--"]
