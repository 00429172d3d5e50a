"""Server-rendered pages of the inventory."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.company.models import City, Department

from .models import PhoneNumber


@login_required
def dashboard(request):
    context = {
        "city_count": City.objects.count(),
        "department_count": Department.objects.count(),
        "number_count": PhoneNumber.objects.active().count(),
        "at_risk_count": PhoneNumber.objects.at_risk().count(),
    }
    return render(request, "telecom/dashboard.html", context)
