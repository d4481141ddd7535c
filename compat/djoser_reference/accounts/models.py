from django.contrib.auth.models import AbstractUser
from django.db import models

class User(AbstractUser):
    email = models.EmailField("email address", unique=True)
    phone = models.CharField(max_length=32, blank=True)
    address_line_1 = models.CharField(max_length=255, blank=True)
    address_line_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=128, blank=True)
    postcode = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=128, blank=True)
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]
