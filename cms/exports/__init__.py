"""The public record in other formats: PDF, iCalendar, RSS feeds and sitemaps."""
