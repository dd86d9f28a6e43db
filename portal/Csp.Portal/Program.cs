Csp.Portal.PortalApp.Build(args).Run();
