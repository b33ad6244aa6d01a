"""The authorisation matrix: every API operation and every page × every
role × the object states where they matter → the expected status, in ONE
table. An operation or page without a row fails, and so does a row for
something that no longer exists. "Not found" is alike for a missing and a
forbidden object (compare the ``missing`` case with the other cases).

How to read a row: ``METHOD endpoint case`` then one status per role (see
``matrix.ROLES`` for the columns). Cases: ``-`` (no object), a dossier state
(``submitted`` at reception in commune A, ``processing`` at the specialist
step, ``supplementing`` asked to supplement by the specialist,
``result_ready`` with its result, ``missing`` a code that does not
exist), ``state:action`` for actions, ``state:right_factor`` /
``state:wrong_factor`` for public tracking, ``own_agency`` / ``missing``
for a procedure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.api.tests import matrix

TABLE = """
endpoint                                                   case                     anon  own  oth offA speA ldrA admA offB speB ldrB admB insp padm none
GET /api/v1/accounts/me                                    -                         401  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/accounts/agencies/{public_id}/staff            -                         401  404  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/units/search                                   -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/units/agencies                                 -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/units/{generation}/{code}                      -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/calendar/due                                   -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/calendar/working-time                          -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/calendar/days-off                              -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/catalog/procedures                             -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/catalog/procedures/{code}                      -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/catalog/agencies/{public_id}/procedures        -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/catalog/procedures/{code}/estimate             -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/dossiers/track/{code}                          submitted:right_factor    200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/dossiers/track/{code}                          submitted:wrong_factor    404  404  404  404  404  404  404  404  404  404  404  404  404  404
GET /api/v1/dossiers/track/{code}                          missing:right_factor      404  404  404  404  404  404  404  404  404  404  404  404  404  404
POST /api/v1/dossiers                                      own_agency                401  201  201  400  400  400  400  400  400  400  400  400  400  400  # staff without an applicant: 400 applicant_required
POST /api/v1/dossiers                                      missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
GET /api/v1/dossiers                                       -                         401  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/dossiers                                       mine                      401  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/dossiers/{code}                                submitted                 401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/dossiers/{code}                                processing                401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/dossiers/{code}                                result_ready              401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/dossiers/{code}                                missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
GET /api/v1/dossiers/{code}                                supplementing             401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/dossiers/{code}/events                         submitted                 401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/dossiers/{code}/events                         missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
GET /api/v1/dossiers/{code}/request                        supplementing             401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/dossiers/{code}/request                        submitted                 401  404  404  404  404  404  404  404  404  404  404  404  404  404  # no open request
GET /api/v1/dossiers/{code}/request                        missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
POST /api/v1/dossiers/{code}/actions/{action}              submitted:accept          401  403  404  200  403  403  403  404  404  404  404  403  403  404
POST /api/v1/dossiers/{code}/actions/{action}              submitted:refuse          401  403  404  400  403  403  403  404  404  404  404  403  403  404
POST /api/v1/dossiers/{code}/actions/{action}              processing:forward        401  403  404  403  200  403  403  404  404  404  404  403  403  404
POST /api/v1/dossiers/{code}/actions/{action}              processing:accept         401  400  404  400  400  400  400  404  404  404  404  400  400  404
POST /api/v1/dossiers/{code}/actions/{action}              result_ready:hand_over    401  403  404  200  403  403  403  404  404  404  404  403  403  404
POST /api/v1/dossiers/{code}/actions/{action}              submitted:withdraw        401  200  404  403  403  403  403  404  404  404  404  403  403  404
POST /api/v1/dossiers/{code}/actions/{action}              supplementing:supplement  401  200  404  403  403  403  403  404  404  404  404  403  403  404
POST /api/v1/dossiers/{code}/actions/{action}              submitted:unknown         401  404  404  404  404  404  404  404  404  404  404  404  404  404
POST /api/v1/dossiers/{code}/actions/{action}              missing:accept            401  404  404  404  404  404  404  404  404  404  404  404  404  404
POST /api/v1/files                                         -                         401  201  201  201  201  201  201  201  201  201  201  201  201  201
GET /api/v1/files/{file_id}/thumbnail                      -                         401  200  404  404  404  404  404  404  404  404  404  404  404  404  # the uploader only
GET /api/v1/files/{file_id}/thumbnail                      missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
GET /api/v1/payments/dossiers/{code}/obligations          submitted                 401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/payments/dossiers/{code}/obligations          missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
POST /api/v1/payments/obligations/{obligation}/payments   submitted                 401  201  404  403  403  403  403  404  404  404  404  403  403  404  # only the applicant pays
POST /api/v1/payments/obligations/{obligation}/payments   result_ready              401  400  404  403  403  403  403  404  404  404  404  403  403  404  # already paid: obligation_not_due
POST /api/v1/payments/obligations/{obligation}/payments   missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
GET /api/v1/payments/{reference}                          submitted                 401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/payments/{reference}                          missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
GET /api/v1/delivery/dossiers/{code}                       submitted                 401  200  404  200  200  200  200  404  404  404  404  200  200  404
GET /api/v1/delivery/dossiers/{code}                       missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
PUT /api/v1/delivery/dossiers/{code}/request               submitted                 401  200  404  404  404  404  404  404  404  404  404  404  404  404  # the applicant only
PUT /api/v1/delivery/dossiers/{code}/request               missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
POST /api/v1/delivery/dossiers/{code}/orders               result_ready              401  403  404  409  403  403  403  404  404  404  404  403  403  404  # 409 postal_not_requested: this dossier's result is not by post
POST /api/v1/delivery/dossiers/{code}/orders               missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
POST /api/v1/feedback/ratings/{code}                       result_ready              401  201  404  404  404  404  404  404  404  404  404  404  404  404  # the applicant only; someone else's dossier is not found
POST /api/v1/feedback/ratings/{code}                       submitted                 401  400  404  404  404  404  404  404  404  404  404  404  404  404  # 400 rating_not_open before the result
POST /api/v1/feedback/ratings/{code}                       missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
PUT /api/v1/feedback/ratings/{code}                        result_ready              401  404  404  404  404  404  404  404  404  404  404  404  404  404  # 404 rating_not_found: not rated yet
POST /api/v1/feedback/items                                -                         401  201  201  201  201  201  201  201  201  201  201  201  201  201
GET /api/v1/feedback/public                                -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET /api/v1/open-data/scorecards                           -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
POST /api/v1/feedback/items/{item_id}/answer               agency_a                  401  404  404  200  200  200  200  404  404  404  404  200  200  404  # the responsible unit's staff
POST /api/v1/feedback/items/{item_id}/answer               missing                   401  404  404  404  404  404  404  404  404  404  404  404  404  404
GET admin:index                                            -                         302  302  302  302  302  302  302  302  302  302  302  302  200  302  # only the province admin's role opens the admin site (decision 0023)
GET delivery:postal_request                                submitted                 302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET delivery:postal_request                                missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
POST delivery:carrier_webhook                              -                         403  403  403  403  403  403  403  403  403  403  403  403  403  403  # unsigned: 403 invalid_signature for everyone
POST delivery:order_create                                 result_ready              302  302  404  302  302  302  302  404  404  404  404  302  302  404  # back to the dossier page (a refusal is a message there)
POST delivery:order_create                                 missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET feedback:rate                                          result_ready              302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET feedback:rate                                          missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET feedback:public_list                                   -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET scorecards:scorecard                                   -                         302  404  404  404  404  200  200  404  404  200  200  200  200  404  # leaders, unit admins and the province-wide roles
GET scorecards:ranking                                     -                         302  404  404  404  404  200  200  404  404  200  200  200  200  404
GET scorecards:drill                                       agency_a                  302  404  404  404  404  200  200  404  404  404  404  200  200  404  # the unit's own leaders and the province-wide roles
GET scorecards:drill                                       missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET scorecards:public                                      -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET scorecards:open_data_csv                               -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET scorecards:open_data_json                              -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET feedback:submit                                        -                         302  200  200  200  200  200  200  200  200  200  200  200  200  200
GET feedback:queue                                         -                         302  404  404  200  200  200  200  200  200  200  200  200  200  404  # any unit's staff: their own units' items only
GET feedback:answer                                        agency_a                  302  404  404  200  200  200  200  404  404  404  404  200  200  404
GET feedback:answer                                        missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET login                                                  -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
POST logout                                                -                         302  302  302  302  302  302  302  302  302  302  302  302  302  302
GET backoffice:home                                        -                         302  404  404  200  200  200  200  200  200  200  200  200  200  404
GET signon:start                                           -                         503  503  503  503  503  503  503  503  503  503  503  503  503  503
GET signon:callback                                        -                         400  400  400  400  400  400  400  400  400  400  400  400  400  400
GET backoffice:agency                                      -                         302  404  404  200  200  200  200  404  404  404  404  200  200  404
GET backoffice:unit_dossiers                               -                         302  404  404  404  404  200  404  404  404  404  404  200  404  404
GET backoffice:queue                                       -                         302  404  404  200  200  200  200  200  200  200  200  200  200  404
GET backoffice:api_tokens                                  -                         302  404  404  200  200  200  200  200  200  200  200  200  200  404  # officers only
POST backoffice:api_token_revoke                           offA_token                302  404  404  302  404  404  404  404  404  404  404  404  404  404  # only its owner
POST backoffice:api_token_revoke                           missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET backoffice:intake                                      -                         302  404  404  200  404  404  404  200  404  404  404  404  404  404
GET backoffice:intake_identifier_check                     -                         302  404  404  200  404  404  404  200  404  404  404  404  404  404
POST backoffice:role_revoke                                -                         302  404  404  404  404  404  302  404  404  404  404  404  302  404  # unit A's admin and the province admin revoke; others "not found"
GET backoffice:dossier                                     submitted                 302  404  404  200  200  200  200  404  404  404  404  200  200  404  # staff only: an applicant gets "not found" even for their own dossier
GET backoffice:dossier                                     processing                302  404  404  200  200  200  200  404  404  404  404  200  200  404
GET backoffice:dossier                                     result_ready              302  404  404  200  200  200  200  404  404  404  404  200  200  404
GET backoffice:dossier                                     missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET backoffice:dossier                                     supplementing             302  404  404  200  200  200  200  404  404  404  404  200  200  404
POST backoffice:dossier_action                             submitted:accept          302  404  404  302  403  403  403  404  404  404  404  403  403  404
POST backoffice:dossier_action                             processing:forward        302  404  404  403  302  403  403  404  404  404  404  403  403  404
POST backoffice:dossier_action                             result_ready:hand_over    302  404  404  302  403  403  403  404  404  404  404  403  403  404
POST backoffice:dossier_action                             submitted:unknown         302  404  404  404  404  404  404  404  404  404  404  404  404  404
POST backoffice:dossier_action                             missing:accept            302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET backoffice:dossier_document                            submitted                 302  404  404  200  200  200  200  404  404  404  404  200  200  404
GET backoffice:dossier_document                            processing                302  404  404  404  404  404  404  404  404  404  404  404  404  404  # a document of another dossier
GET backoffice:dossier_document                            missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET backoffice:dossier_thumbnail                           submitted                 302  404  404  200  200  200  200  404  404  404  404  200  200  404  # the photo's thumbnail
GET backoffice:dossier_thumbnail                           missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET backoffice:dossier_print                               submitted                 302  404  404  200  200  200  200  404  404  404  404  200  200  404
GET backoffice:dossier_print                               missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET accountability:index                                   -                         302  404  404  404  404  200  404  404  404  200  404  200  404  404  # leaders (their units) and inspectors (the province)
GET accountability:report                                  -                         302  404  404  404  404  200  404  404  404  200  404  200  404  404
GET catalog:list                                           -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET catalog:detail                                         -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET catalog:form                                           -                         404  404  404  404  404  404  404  404  404  404  404  404  404  404  # the procedure has no e-form
GET portal:home                                            -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET portal:register                                        -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET portal:communes                                        -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET password_reset                                         -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET password_reset_done                                    -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET password_reset_confirm                                 -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET password_reset_complete                                -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET portal:account                                         -                         302  200  200  200  200  200  200  200  200  200  200  200  200  200
GET notifications:preferences                              -                        302  200  200  200  200  200  200  200  200  200  200  200  200  200
GET portal:after_login                                     -                         302  302  302  302  302  302  302  302  302  302  302  302  302  302
GET portal:pick                                            -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET portal:submitted                                       submitted                 302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:submitted                                       missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:draft                                           own_agency                302  200  200  404  404  404  404  404  404  404  404  404  404  404
GET portal:draft                                           missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
POST portal:autosave                                       own_agency                302  200  200  404  404  404  404  404  404  404  404  404  404  404
POST portal:autosave                                       missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
POST portal:attach                                         own_agency                302  422  422  404  404  404  404  404  404  404  404  404  404  404
POST portal:attach                                         missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
POST portal:submit                                         own_agency                302  404  404  404  404  404  404  404  404  404  404  404  404  404  # no draft was started
POST portal:submit                                         missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:thumbnail                                       -                         302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:my_dossiers                                     -                         302  200  200  200  200  200  200  200  200  200  200  200  200  200
GET portal:my_dossier                                      submitted                 302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:my_dossier                                      processing                302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:my_dossier                                      result_ready              302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:my_dossier                                      missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:my_dossier                                      supplementing             302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:my_receipt                                      submitted                 302  302  404  404  404  404  404  404  404  404  404  404  404  404  # not received yet: back to the dossier
GET portal:my_receipt                                      processing                302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:my_receipt                                      missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:supplement                                      submitted                 302  302  404  404  404  404  404  404  404  404  404  404  404  404  # not asked to supplement: back to the dossier
GET portal:supplement                                      missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:supplement                                      supplementing             302  200  404  404  404  404  404  404  404  404  404  404  404  404
POST portal:withdraw                                       submitted                 302  302  404  404  404  404  404  404  404  404  404  404  404  404
POST portal:withdraw                                       missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:result_file                                     result_ready              302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:result_file                                     submitted                 302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:result_file                                     missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:track                                           submitted:right_factor    200  200  200  200  200  200  200  200  200  200  200  200  200  200
GET portal:track                                           submitted:wrong_factor    404  404  404  404  404  404  404  404  404  404  404  404  404  404
GET portal:track                                           missing:right_factor      404  404  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:pay                                           submitted                 302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:pay                                           missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:receipt                                       result_ready              302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:receipt                                       missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:returned                                      submitted                 302  200  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:returned                                      missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:notify                                        -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200  # the gateway's callback: refused in its own terms (bad signature)
GET payments:office                                        -                         302  404  404  200  200  200  200  200  200  200  200  200  200  404  # officers only, their own units' payments
GET national:file                                          -                         200  200  200  200  200  200  200  200  200  200  200  200  200  200  # a signed link: no session needed
GET national:file                                          forged                    404  404  404  404  404  404  404  404  404  404  404  404  404  404
GET national:report                                        -                         302  404  404  404  404  200  200  404  404  200  200  200  200  404  # leaders, unit and province admins, inspectors
GET outbox:dead                                            -                         302  404  404  404  404  404  200  404  404  404  200  404  200  404  # unit and province administrators
GET outbox:dossier                                         submitted                 302  404  404  404  404  404  200  404  404  404  404  404  200  404  # the dossier's unit admin and the province admin
GET outbox:dossier                                         missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
POST outbox:resend                                         dead_a                    302  404  404  404  404  404  302  404  404  404  404  404  302  404
POST outbox:resend                                         missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
POST outbox:skip                                           dead_a                    302  404  404  404  404  404  302  404  404  404  404  404  302  404
POST outbox:skip                                           missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET webhooks:list                                          -                         302  404  404  404  404  404  200  404  404  404  200  404  200  404  # unit and province administrators
POST webhooks:toggle                                       agency_a                  302  404  404  404  404  404  302  404  404  404  404  404  302  404  # commune A's subscription
POST webhooks:toggle                                       missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
POST webhooks:rotate                                       agency_a                  302  404  404  404  404  404  302  404  404  404  404  404  302  404
POST webhooks:rotate                                       missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:counter                                       submitted                 302  404  404  200  404  404  404  404  404  404  404  404  404  404  # the counter's fee notice: one-stop officer of the receiving agency only
GET payments:counter                                       missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
GET payments:counter_receipt                               result_ready              302  404  404  200  404  404  404  404  404  404  404  404  404  404
GET payments:counter_receipt                               missing                   302  404  404  404  404  404  404  404  404  404  404  404  404  404
"""


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROVINCE_CODE = "99"
    from motcua.dossiers.attachments import components_of

    components_of.cache_clear()
    # The payment cells reach a real gateway: the VNPay sandbox over HTTP.
    from motcua.payments.sandboxes import sandbox_build

    sandbox = sandbox_build(which="vnpay", host="127.0.0.1", port=0, site="http://127.0.0.1:9")
    with sandbox:
        settings.MOTCUA_PAY_VNPAY_URL = sandbox.url
        yield


ROWS = matrix.parse(TABLE)

#: Roles that may not see the dossiers of commune A at all.
OUTSIDERS = ("anon", "oth", "offB", "speB", "ldrB", "admB", "none")
#: Endpoints that show a dossier to whoever knows its code and second factor.
PUBLIC_TRACKING = ("GET /api/v1/dossiers/track/{code}", "GET portal:track")


def leaks(world: matrix.World, key: str, call: matrix.Call, answers: Any) -> list[str]:
    """A successful answer to an outsider must not name any of the dossiers
    (a status alone does not prove a list or a page hides them)."""
    if key in PUBLIC_TRACKING:
        return []
    found = []
    for role in OUTSIDERS:
        status, body = answers[role]
        if not 200 <= status < 300:
            continue
        for dossier in world.dossiers.values():
            if dossier.code not in call.path and dossier.code.encode() in body:
                found.append(f"{key} as {role}: the answer names dossier {dossier.code}")
    return found


def test_every_api_operation_and_page_has_a_row() -> None:
    keys = {row.key for row in ROWS}
    operations = matrix.api_operations()
    pages = {key for key in keys if not key.split()[1].startswith("/")}
    page_targets = {key.split()[1] for key in pages}
    assert operations - keys == set(), "API operations without a row in the matrix"
    assert matrix.page_names() - page_targets == set(), "pages without a row in the matrix"
    stale = {k for k in keys if k.split()[1].startswith("/") and k not in operations}
    stale |= {k for k in pages if k.split()[1] not in matrix.page_names() | {"admin:index"}}
    assert stale == set(), "rows for endpoints that no longer exist"
    assert set(matrix.BUILDERS) == keys, "a request builder per row key, and no other"


def test_authorisation_matrix(db: None, record_property: Any) -> None:
    world = matrix.build_world()
    observed: list[tuple[str, str, dict[str, int]]] = []
    wrong: list[str] = []
    cases = {(row.key, row.case): row.expected for row in ROWS}
    assert len(cases) == len(ROWS), "a row is written twice"
    for key, case in cases:
        call = matrix.BUILDERS[key](world, case)
        answers = {role: matrix.send(world, role, call) for role in matrix.ROLES}
        statuses = {role: status for role, (status, _body) in answers.items()}
        observed.append((key, case, statuses))
        wrong += leaks(world, key, call, answers)
        expected = cases[key, case]
        for role, status in statuses.items():
            if expected[role] != status:
                wrong.append(f"{key} [{case}] as {role}: {status}, expected {expected[role]}")
    if os.environ.get("MOTCUA_MATRIX_PRINT"):
        print("\n" + matrix.render(observed))  # noqa: T201 - the developer asked for it
    endpoints = {key for key, _case, _s in observed}
    operations = sum(1 for key in endpoints if key.split()[1].startswith("/"))
    size = (
        f"({operations} API operations + {len(endpoints) - operations} pages: "
        f"{len(observed)} endpoint cases) × {len(matrix.ROLES)} roles"
    )
    cells = len(observed) * len(matrix.ROLES)
    record_property("authorisation_matrix", f"{size} = {cells} cells")
    assert ROWS, "the matrix is empty"
    assert wrong == [], "\n".join(wrong)
