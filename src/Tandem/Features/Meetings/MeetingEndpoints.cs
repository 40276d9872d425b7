namespace Tandem.Features.Meetings;

public static class MeetingEndpoints
{
    public static IServiceCollection AddTandemMeetings(this IServiceCollection services) => services
        .AddScoped<MeetingAccess>()
        .AddScoped<ListMeetings>();

    public static IEndpointRouteBuilder MapMeetings(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
