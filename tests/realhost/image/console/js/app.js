/* MyST Studio console */ document.documentElement.className += " js";
