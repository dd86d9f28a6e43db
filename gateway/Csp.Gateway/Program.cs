using Csp.Gateway;

GatewayApp.Build(args).Run();
