namespace WasmNN.Packaging.Tests;

/// <summary>
/// A console app created in a package sandbox, as a user would write one: a project that references WasmNN packages
/// by id and version and a Program.cs, restored and built by the dotnet CLI, then run.
/// </summary>
internal sealed class ConsoleApp
{
    private readonly PackageSandbox _sandbox;

    private ConsoleApp(PackageSandbox sandbox, string directory)
    {
        _sandbox = sandbox;
        Directory = directory;
    }

    /// <summary>The app's project folder.</summary>
    public string Directory { get; }

    /// <summary>Writes and builds the app (warnings are errors, as in this repository); fails the test if it does not build.</summary>
    public static ConsoleApp Build(PackageSandbox sandbox, string name, string program, params string[] packageIds)
    {
        var directory = System.IO.Directory.CreateDirectory(Path.Combine(sandbox.AppsDirectory, name)).FullName;
        var references = string.Concat(packageIds.Select(id => $"""    <PackageReference Include="{id}" Version="{PackageSandbox.Version}" />{"\n"}"""));
        // NuGetAudit off: the vulnerability check asks the package source over the network, and these tests run offline.
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        // No build servers: nothing of the test may outlive it.
        var build = sandbox.Dotnet(directory, "build", "-c", "Release", "-nologo", "-v", "q", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(build.ExitCode == 0, $"{name} did not build:\n{build.Stdout}\n{build.Stderr}");
        return new ConsoleApp(sandbox, directory);
    }

    /// <summary>The package ids restore resolved for the app (its obj/project.assets.json), lower-cased.</summary>
    public IReadOnlySet<string> ResolvedPackages()
    {
        using var assets = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "obj", "project.assets.json")));
        return assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .Select(library => library.Name.Split('/')[0].ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Runs the built app; fails the test on a non-zero exit.</summary>
    public string Run(params string[] arguments)
    {
        var dll = Path.Combine(Directory, "bin", "Release", "net10.0", Path.GetFileName(Directory) + ".dll");
        var run = _sandbox.Run("dotnet", Directory, [dll, .. arguments]);
        Assert.True(run.ExitCode == 0, $"{Path.GetFileName(Directory)} exited with {run.ExitCode}:\n{run.Stdout}\n{run.Stderr}");
        return run.Stdout;
    }
}
