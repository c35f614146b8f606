"""The URLs of the Django project of ``walletpass_site.py``: django-walletpass's, under ``/apple/``."""

from django.urls import include, path

urlpatterns = [path("apple/", include("django_walletpass.urls"))]
