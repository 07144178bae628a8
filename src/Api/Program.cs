using Spartan.Api.Cli;

return await SpartanCli.RunAsync(args, Console.Out, Console.Error);
