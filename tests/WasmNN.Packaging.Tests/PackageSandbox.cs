using System.IO.Compression;
using System.Reflection;
using System.Security;
using System.Xml.Linq;

namespace WasmNN.Packaging.Tests;

/// <summary>
/// A throw-away consumer of the packages in artifacts/packages, in a temporary folder. Apps go under
/// <see cref="AppsDirectory"/>, whose nuget.config takes WasmNN's packages from that folder only (source mapping) and
/// every other package from this machine's sources, with a global packages folder of its own and this machine's
/// package cache as a fallback folder. Its own folder because NuGet keeps the first copy of an id and version it
/// extracts and never looks again, so a shared one would hand a later run a stale package of the same version; the
/// fallback folder resolves third-party packages without network. Tools are installed from
/// <see cref="ToolDirectory"/>, whose nuget.config clears every source: `--add-source` names the only one (the CLI
/// refuses `--add-source` beside source mapping).
/// </summary>
internal sealed class PackageSandbox : IDisposable
{
    /// <summary>Where scripts/test.sh packs every package and the tool.</summary>
    public static string FeedDirectory { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "packages");

    /// <summary>The one version (Directory.Build.props) this test assembly was built with, as the packages were.</summary>
    public static string Version { get; } = typeof(PackageSandbox).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    private static readonly Lazy<string?> s_staleness = new(FindStaleness);

    private readonly Dictionary<string, string?> _environment;

    public PackageSandbox()
    {
        if (s_staleness.Value is { } problem) Assert.Fail(problem);
        Directory = System.IO.Directory.CreateTempSubdirectory("wasmnn-packaging-").FullName;
        System.IO.Directory.CreateDirectory(AppsDirectory);
        File.WriteAllText(Path.Combine(AppsDirectory, "nuget.config"), AppsNuGetConfig(PackagesDirectory));
        System.IO.Directory.CreateDirectory(ToolDirectory);
        File.WriteAllText(Path.Combine(ToolDirectory, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /></packageSources>
              <packageSourceMapping><clear /></packageSourceMapping>
            </configuration>
            """);
        _environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["NUGET_PACKAGES"] = PackagesDirectory,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
        // The test host runs under MSBuild's variables; a nested build must find its own SDK.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)) _environment[name] = null;
        }
    }

    /// <summary>The sandbox folder.</summary>
    public string Directory { get; }

    /// <summary>Where console apps go (one folder each), below the nuget.config that maps WasmNN's ids to the local folder.</summary>
    public string AppsDirectory => Path.Combine(Directory, "apps");

    /// <summary>Where `dotnet tool install` runs: no package source but the ones its command line adds.</summary>
    public string ToolDirectory => Path.Combine(Directory, "tool");

    /// <summary>The sandbox's own global packages folder.</summary>
    public string PackagesDirectory => Path.Combine(Directory, "packages");

    /// <summary>Runs the dotnet CLI in <paramref name="workingDirectory"/> (a folder under the sandbox, so a nuget.config of it applies).</summary>
    public ProcessOutput Dotnet(string workingDirectory, params string[] arguments) =>
        Run("dotnet", workingDirectory, arguments);

    /// <summary>Runs a program with the sandbox's environment.</summary>
    public ProcessOutput Run(string program, string workingDirectory, params string[] arguments) =>
        ProcessRunner.Run(program, arguments, timeout: TimeSpan.FromMinutes(5), workingDirectory: workingDirectory, environment: _environment);

    /// <summary>Whether restore extracted <paramref name="packageId"/> into the sandbox (so it came from the local folder).</summary>
    public bool Extracted(string packageId) =>
        System.IO.Directory.Exists(Path.Combine(PackagesDirectory, packageId.ToLowerInvariant(), Version));

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { } // a build server may still hold a file for a moment; the folder is temporary
    }

    private static string AppsNuGetConfig(string packagesDirectory)
    {
        var machineSources = MachineSources();
        var sources = string.Concat(machineSources.Select(s =>
            $"""    <add key="{SecurityElement.Escape(s.Key)}" value="{SecurityElement.Escape(s.Value)}" />{"\n"}"""));
        var mappings = string.Concat(machineSources.Select(s =>
            $"""    <packageSource key="{SecurityElement.Escape(s.Key)}"><package pattern="*" /></packageSource>{"\n"}"""));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{SecurityElement.Escape(packagesDirectory)}" /></config>
              <packageSources>
                <clear />
                <add key="wasmnn-local" value="{SecurityElement.Escape(FeedDirectory)}" />
            {sources}  </packageSources>
              <packageSourceMapping>
                <clear />
                <packageSource key="wasmnn-local"><package pattern="WasmNN.*" /><package pattern="wasmnn" /></packageSource>
            {mappings}  </packageSourceMapping>
              <fallbackPackageFolders>
                <clear />
                <add key="machine-cache" value="{SecurityElement.Escape(MachineCache())}" />
              </fallbackPackageFolders>
            </configuration>
            """;
    }

    /// <summary>The package sources of this machine's user-level NuGet.Config (nuget.org on a default install).</summary>
    private static List<KeyValuePair<string, string>> MachineSources()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var path = Path.Combine(home, ".nuget", "NuGet", "NuGet.Config");
        if (!File.Exists(path)) return [];
        var list = new List<KeyValuePair<string, string>>();
        foreach (var element in XDocument.Load(path).Root?.Element("packageSources")?.Elements() ?? [])
        {
            if (element.Name == "clear") list.Clear();
            else if (element.Name == "add" && element.Attribute("key") is { } key && element.Attribute("value") is { } value)
                list.Add(new(key.Value, value.Value));
        }
        return list;
    }

    private static string MachineCache() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>
    /// Why the folder cannot be tested (missing, or packed from another build: the compiler inside differs from the
    /// one this test assembly was built with), or null.
    /// </summary>
    private static string? FindStaleness()
    {
        const string Pack = "dotnet pack WasmNN.slnx -c Release --no-build -o artifacts/packages (scripts/test.sh does)";
        var package = Path.Combine(FeedDirectory, $"WasmNN.Compiler.{Version}.nupkg");
        if (!File.Exists(package)) return $"{package} is missing: run {Pack}";
        using var archive = ZipFile.OpenRead(package);
        var entry = archive.GetEntry("lib/net10.0/WasmNN.Compiler.dll");
        if (entry is null) return $"{package} holds no lib/net10.0/WasmNN.Compiler.dll";
        using var packed = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(packed);
        var built = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "WasmNN.Compiler.dll"));
        return packed.ToArray().AsSpan().SequenceEqual(built)
            ? null
            : $"{package} was packed from another build than this one: run {Pack}";
    }
}
