"""Living the plan's pages, under an engagement."""

app_name = "monitoring"

urlpatterns: list = []
