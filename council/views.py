from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from council.rules import current_memberships


@login_required
def member_home(request):
    return render(
        request, "council/member_home.html", {"memberships": current_memberships(request.user)}
    )
