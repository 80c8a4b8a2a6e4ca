"""Supervision (督办): deadlines on working days, extension requests, alerts sent once per
threshold, supervision notices (督办单) with the agency's reply, dashboards, exports and the
monthly bulletin (督办通报). The package imports no views; ``routes.py`` gathers them."""
