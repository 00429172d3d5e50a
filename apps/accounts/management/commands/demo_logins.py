from django.core.management.base import BaseCommand

from apps.accounts.demo import demo_logins
from apps.accounts.models import User


class Command(BaseCommand):
    help = "Print the demo users' logins (created by `manage.py seed_demo`)."

    def handle(self, *args, **options):
        rows = demo_logins()
        existing = set(
            User.objects.filter(username__in=[r[0] for r in rows]).values_list("username", flat=True)
        )
        self.stdout.write("Demo logins (user / password):")
        for username, password, what in rows:
            mark = "" if username in existing else "   (not created yet: run manage.py seed_demo)"
            self.stdout.write(f"  {username:<11} {password}   {what}{mark}")
