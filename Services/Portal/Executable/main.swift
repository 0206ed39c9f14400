import PortalService

await PortalCLI.main()
