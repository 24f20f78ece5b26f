"""The ACT-JEPA model itself: configuration, encoders, predictor, head, time masking, value, regularizers,
EMA, augmentation and the training objective. Nothing here imports training/ or decoder/.

Reading order: head.py (token layout and attention mask), masking.py (the time mask), objective.py (the JEPA
loss terms), predictor.py (the action-conditioned latent dynamics), then model.py (the verbs planners use).
"""
