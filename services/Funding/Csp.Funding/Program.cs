using Csp.Funding;

FundingApp.Build(args).Run();
