using System.Globalization;
using WasmNN.ServingLoad;

// serving load: URL REQUESTS CONNECTIONS ADD_MODEL LENET_MODEL LENET_INPUT.npy LENET_OUTPUT.npy
// Alternates the two models (two served at once); exits 1 unless every request was answered and right.
if (args.Length != 7)
{
    Console.Error.WriteLine("usage: WasmNN.ServingLoad URL REQUESTS CONNECTIONS ADD_MODEL LENET_MODEL LENET_INPUT.npy LENET_OUTPUT.npy");
    return 2;
}
var lenet = LoadCase.LeNet(args[4], args[5], args[6]);
var requests = int.Parse(args[1], CultureInfo.InvariantCulture);
var connections = int.Parse(args[2], CultureInfo.InvariantCulture);
var result = await LoadGenerator.RunAsync(new Uri(args[0]), i => i % 2 == 0 ? LoadCase.Add(args[3], i) : lenet, requests, connections);
Console.WriteLine($"{requests} requests, {connections} connections: {result}");
foreach (var error in result.Errors) Console.WriteLine($"  {error}");
return result.Answered == requests ? 0 : 1;
